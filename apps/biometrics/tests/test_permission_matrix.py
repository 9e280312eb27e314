"""Every biometrics page and endpoint, for every role: roles with the permission get
past authorization (the bodies sent are cheap: an empty capture is a 422, not a 403),
every other role is refused (403), and so is the anonymous visitor. A new route must be
listed here; `test_every_route_is_listed` fails when one is not."""

import uuid
from typing import Any

import pytest
from django.test import Client

from apps.accounts.permissions import Permission, Role, roles_with
from apps.biometrics import urls
from apps.biometrics.access import PORTRAIT_LABEL, seal_bytes
from apps.biometrics.api import router
from apps.biometrics.models import Candidate, Enrolment
from apps.biometrics.tests.conftest import at_appointment
from conftest import client_for, make_user
from tests.matrix import call, fill, unlisted_operations, unlisted_pages

pytestmark = pytest.mark.django_db

CAPTURE = Permission.BIOMETRICS_CAPTURE
VERIFY = Permission.BIOMETRICS_VERIFY
ADJUDICATE = Permission.BIOMETRICS_ADJUDICATE
REVIEW = Permission.BIOMETRICS_REVIEW
INDEX = Permission.BIOMETRICS_INDEX_MANAGE
OPEN = {"purpose": "duplicate-resolution"}

# (name, method, path template, permission, body). {case}: a case at its appointment;
# {pair}: a candidate pair of two enrolled people.
ROUTES: list[tuple[str, str, str, Permission, Any]] = [
    ("capture page", "get", "/biometrics/cases/{case}/capture/", CAPTURE, None),
    ("capture on page", "post", "/biometrics/cases/{case}/capture/", CAPTURE, {}),
    (
        "capture progress",
        "get",
        "/biometrics/cases/{case}/capture/progress/{token}/",
        CAPTURE,
        None,
    ),
    ("verify page", "get", "/biometrics/cases/{case}/verify/", VERIFY, None),
    ("verify on page", "post", "/biometrics/cases/{case}/verify/", VERIFY, {}),
    ("queue page", "get", "/biometrics/candidates/", ADJUDICATE, None),
    ("pair page", "get", "/biometrics/candidates/{pair}/", ADJUDICATE, None),
    ("open pair on page", "post", "/biometrics/candidates/{pair}/", ADJUDICATE, OPEN),
    ("decide on page", "post", "/biometrics/candidates/{pair}/decision/", ADJUDICATE, {}),
    ("review on page", "post", "/biometrics/candidates/{pair}/review/", REVIEW, {}),
    ("index page", "get", "/biometrics/index/", INDEX, None),
    ("capture api", "post", "/api/v1/biometrics/cases/{case}/capture", CAPTURE, {}),
    ("verify api", "post", "/api/v1/biometrics/cases/{case}/verify", VERIFY, {}),
    ("queue api", "get", "/api/v1/biometrics/candidates", ADJUDICATE, None),
    ("open pair api", "post-json", "/api/v1/biometrics/candidates/{pair}/open", ADJUDICATE, OPEN),
    (
        "decide api",
        "post-json",
        "/api/v1/biometrics/candidates/{pair}/decision",
        ADJUDICATE,
        {"same_person": False, "reason": "no-such-reason"},
    ),
    (
        "review api",
        "post-json",
        "/api/v1/biometrics/candidates/{pair}/review",
        REVIEW,
        {"confirm": True, "reason": "no-such-reason"},
    ),
    ("index api", "get", "/api/v1/biometrics/index", INDEX, None),
]


def _enrolment(officer: Any) -> Enrolment:
    owner = make_user(Role.REGISTRANT, f"owner-{uuid.uuid4().hex[:6]}")
    case = at_appointment(owner, officer)
    return Enrolment.objects.create(
        registration=case,
        person=case.person,
        program=case.program,
        state=Enrolment.State.SEARCHED,
        portrait_sealed=seal_bytes(case.person_id, PORTRAIT_LABEL, b"\xff\xd8 portrait"),
    )


def fixtures_for(role: Role) -> tuple[Client, dict[str, str]]:
    user = make_user(role, f"{role.value}-{uuid.uuid4().hex[:6]}")
    officer = make_user(Role.OFFICER, f"officer-{uuid.uuid4().hex[:6]}")
    owner = make_user(Role.REGISTRANT, f"owner-{uuid.uuid4().hex[:6]}")
    pair = Candidate.objects.create(
        probe=_enrolment(officer), match=_enrolment(officer), face_distance=0.3
    )
    ids = {
        "case": str(at_appointment(owner, officer).case_number),
        "pair": str(pair.pk),
        "token": str(uuid.uuid4()),
    }
    return client_for(user), ids


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r[0])
def test_route_for_role(route: tuple[str, str, str, Permission, Any], role: Role) -> None:
    name, method, template, permission, body = route
    client, ids = fixtures_for(role)
    response = call(client, method, fill(template, ids), body)
    if role in roles_with(permission):
        assert response.status_code not in (302, 401, 403, 404), (
            f"{name}: {role} should be allowed, got {response.status_code}"
        )
    else:
        assert response.status_code == 403, f"{name}: {role} was not refused"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r[0])
def test_anonymous_visitors_are_refused(route: tuple[str, str, str, Permission, Any]) -> None:
    name, method, template, _permission, body = route
    _, ids = fixtures_for(Role.REGISTRANT)
    response = call(Client(), method, fill(template, ids), body)
    assert response.status_code in (401, 403, 302), f"{name}: anonymous got {response.status_code}"


def test_every_route_is_listed() -> None:
    unlisted = unlisted_pages(
        urls.urlpatterns,
        ROUTES,
        {"{case}": "<str:case_number>", "{pair}": "<int:pk>", "{token}": "<uuid:token>"},
    )
    assert not unlisted, f"not in ROUTES: {unlisted}"
    unlisted = unlisted_operations(router, ROUTES, {"{case}": "{case_number}", "{pair}": "{pk}"})
    assert not unlisted, f"not in ROUTES: {unlisted}"
