"""Every appointment page and endpoint, for every role: allowed roles get through, the
others are refused (403, or 404 for someone else's case). A new route must be listed
here; `test_every_route_is_listed` fails when one is not."""

import json
import uuid
from typing import Any

import pytest
from django.test import Client

from apps.accounts.permissions import Permission, Role, roles_with
from apps.appointments import services, urls
from apps.appointments.api import router
from apps.appointments.tests.conftest import at, file_case, make_office, started, weekday_ahead
from conftest import client_for, make_user
from tests.matrix import call, fill, unlisted_operations, unlisted_pages

pytestmark = pytest.mark.django_db

PUBLIC = "public"
BOOK = Permission.APPOINTMENT_BOOK_OWN
MANAGE = Permission.APPOINTMENT_OFFICE_MANAGE

# (name, method, path template, permission or PUBLIC, body template)
# {free}: a submitted case without an appointment; {booking}: a future appointment;
# {past}: an appointment that has started; {slot}/{later}: free times; {day}: its day.
ROUTES: list[tuple[str, str, str, Any, Any]] = [
    ("choose page", "get", "/appointments/cases/{free}/", BOOK, None),
    ("book on page", "post", "/appointments/cases/{free}/", BOOK, {"slot": "PAT|{slot}"}),
    ("confirmation page", "get", "/appointments/{booking}/", BOOK, None),
    ("change page", "get", "/appointments/{booking}/change/", BOOK, None),
    ("move on page", "post", "/appointments/{booking}/change/", BOOK, {"slot": "PAT|{later}"}),
    ("cancel page", "post", "/appointments/{booking}/cancel/", BOOK, {}),
    ("offices page", "get", "/appointments/offices/", MANAGE, None),
    ("day list page", "get", "/appointments/offices/PAT/?day={day}", MANAGE, None),
    ("mark missed page", "post", "/appointments/{past}/missed/", MANAGE, {}),
    ("mark attended page", "post", "/appointments/{past}/attended/", MANAGE, {}),
    ("offices api", "get", "/api/v1/offices", PUBLIC, None),
    ("slots api", "get", "/api/v1/slots", BOOK, None),
    (
        "book api",
        "post-json",
        "/api/v1/appointments",
        BOOK,
        {"case_number": "{free}", "office": "PAT", "starts_at": "{slot}"},
    ),
    ("case appointments api", "get", "/api/v1/appointments?case_number={booked}", BOOK, None),
    ("read appointment api", "get", "/api/v1/appointments/{booking}", BOOK, None),
    (
        "reschedule api",
        "post-json",
        "/api/v1/appointments/{booking}/reschedule",
        BOOK,
        {"office": "PAT", "starts_at": "{later}"},
    ),
    ("cancel api", "post-json", "/api/v1/appointments/{booking}/cancel", BOOK, None),
    ("day list api", "get", "/api/v1/offices/PAT/appointments?day={day}", MANAGE, None),
    ("mark missed api", "post-json", "/api/v1/appointments/{past}/missed", MANAGE, None),
    ("mark attended api", "post-json", "/api/v1/appointments/{past}/attended", MANAGE, None),
]


def fixtures_for(role: Role) -> tuple[Client, dict[str, str]]:
    """A user of `role` and, if they can own things, cases of their own; otherwise
    someone else's, which they must not reach."""
    user = make_user(role, f"{role.value}-{uuid.uuid4().hex[:6]}")
    owner = (
        user
        if role is Role.REGISTRANT
        else make_user(Role.REGISTRANT, f"owner-{uuid.uuid4().hex[:6]}")
    )
    paterson = make_office("PAT")
    tuesday = weekday_ahead(1)
    free = file_case(owner)
    booked = file_case(owner)
    booking, _ = services.book(
        owner, booked, office_code="PAT", starts_at=at(paterson, tuesday, "09:00")
    )
    past, _ = services.book(
        owner, file_case(owner), office_code="PAT", starts_at=at(paterson, tuesday, "11:00")
    )
    started(past)
    ids = {
        "free": str(free.case_number),
        "booked": str(booked.case_number),
        "booking": str(booking.id),
        "past": str(past.id),
        "day": past.slot.local_starts_at.date().isoformat(),
        "slot": at(paterson, tuesday, "09:30").isoformat(),
        "later": at(paterson, tuesday, "10:00").isoformat(),
    }
    return client_for(user), ids


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r[0])
def test_route_for_role(route: tuple[str, str, str, Any, Any], role: Role) -> None:
    name, method, template, permission, body = route
    client, ids = fixtures_for(role)
    response = call(client, method, fill(template, ids), fill(body, ids))
    allowed = permission is PUBLIC or role in roles_with(permission)
    about_an_object = permission is BOOK and "{" in template + json.dumps(body)
    if allowed and (not about_an_object or role is Role.REGISTRANT):
        assert response.status_code < 400, (
            f"{name}: {role} should be allowed, got {response.status_code}"
        )
    elif allowed:
        assert response.status_code == 404, f"{name}: {role} reached someone else's case"
    else:
        assert response.status_code in (403, 404), (
            f"{name}: {role} was not refused ({response.status_code})"
        )


@pytest.mark.parametrize("route", [r for r in ROUTES if r[3] is not PUBLIC], ids=lambda r: r[0])
def test_anonymous_visitors_are_refused(route: tuple[str, str, str, Any, Any]) -> None:
    name, method, template, _permission, body = route
    _, ids = fixtures_for(Role.REGISTRANT)
    response = call(Client(), method, fill(template, ids), fill(body, ids))
    assert response.status_code in (401, 403, 302), f"{name}: anonymous got {response.status_code}"


def test_every_route_is_listed() -> None:
    page_names = {
        "{free}": "<str:case_number>",
        "{booking}": "<uuid:booking_id>",
        "{past}": "<uuid:booking_id>",
        "PAT": "<slug:office_code>",
    }
    unlisted = unlisted_pages(urls.urlpatterns, ROUTES, page_names, mount="/appointments/")
    assert not unlisted, f"not in ROUTES: {unlisted}"
    api_names = {
        "{booking}": "{booking_id}",
        "{past}": "{booking_id}",
        "/offices/PAT/": "/offices/{office_code}/",
    }
    unlisted = unlisted_operations(router, ROUTES, api_names)
    assert not unlisted, f"not in ROUTES: {unlisted}"
