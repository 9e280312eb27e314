"""Every console page for every role: the roles that hold the permission get through,
the others are refused; nobody signed in is sent to sign in, and staff who gave only
their password are sent to the authenticator step first."""

import uuid
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts.permissions import STAFF_ROLES, Permission, Role, roles_with
from apps.registrations import services
from apps.registrations.models import CaseState, Registration
from conftest import VALID_FORM, client_for, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate().isoformat()

# (name, method, path, permission, body, state the case must be in for the action)
ROUTES: list[tuple[str, str, str, Permission, dict[str, str] | None, str]] = [
    ("queue", "get", "/console/", Permission.CASE_QUEUE_READ, None, CaseState.SUBMITTED),
    ("search page", "get", "/console/search/", Permission.CASE_QUEUE_READ, None, ""),
    (
        "search",
        "post",
        "/console/search/",
        Permission.CASE_QUEUE_READ,
        {"family_name": "Haddad", "birth_date": "1990-03-14"},
        "",
    ),
    ("dashboard", "get", "/console/dashboard/", Permission.CASE_DASHBOARD_READ, None, ""),
    ("case", "get", "/console/cases/{case}/", Permission.CASE_QUEUE_READ, None, ""),
    ("purpose form", "get", "/console/cases/{case}/record/", Permission.PERSON_READ_ANY, None, ""),
    (
        "open record",
        "post",
        "/console/cases/{case}/record/",
        Permission.PERSON_READ_ANY,
        {"purpose": "case-processing"},
        "",
    ),
    (
        "interview",
        "post",
        "/console/cases/{case}/interview/",
        Permission.CASE_DECIDE,
        {"document_checked": "on", "notes": "Passport matches."},
        CaseState.BIOMETRICS_SCHEDULED,
    ),
    (
        "decision",
        "post",
        "/console/cases/{case}/decision/",
        Permission.CASE_DECIDE,
        {"decision": "request_evidence", "reason_code": "entry-details-unclear"},
        CaseState.SUBMITTED,
    ),
    (
        "assignment",
        "post",
        "/console/cases/{case}/assignment/",
        Permission.CASE_ASSIGN,
        {"officer": ""},
        CaseState.SUBMITTED,
    ),
    (
        "departure",
        "post",
        "/console/cases/{case}/departure/",
        Permission.DEPARTURE_RECORD_ANY,
        {"departed_on": TODAY, "port": "JFK Airport"},
        CaseState.REGISTERED,
    ),
]


def a_case(state: str) -> Registration:
    owner = make_user(Role.REGISTRANT, f"owner-{uuid.uuid4().hex[:6]}")
    case, _ = services.file_registration(
        owner,
        program_slug="us-2025",
        for_child=False,
        data=VALID_FORM,
        language="en",
        idempotency_key=None,
    )
    if state and state != case.state:
        Registration.objects.filter(pk=case.pk).update(state=state)
    return case


def call(client: Client, method: str, path: str, body: dict[str, str] | None) -> Any:
    return client.get(path) if method == "get" else client.post(path, body or {})


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r[0])
def test_route_for_role(route: tuple[Any, ...], role: Role) -> None:
    name, method, template, permission, body, state = route
    case = a_case(state)
    client = client_for(make_user(role, f"{role.value}-{uuid.uuid4().hex[:6]}"))
    response = call(client, method, template.format(case=case.case_number), body)
    if role in roles_with(permission):
        assert response.status_code < 400, f"{name}: {role} should get through"
        if method == "post" and name not in {"open record", "search"}:
            assert response.status_code == 302, f"{name}: {role}: {response.content[:300]!r}"
    else:
        assert response.status_code in (403, 404), f"{name}: {role} got {response.status_code}"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r[0])
def test_nobody_signed_in_is_sent_to_sign_in(route: tuple[Any, ...]) -> None:
    _name, method, template, _permission, body, state = route
    case = a_case(state)
    response = call(Client(), method, template.format(case=case.case_number), body)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("role", STAFF_ROLES, ids=lambda r: r.value)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r[0])
def test_staff_with_a_password_only_go_to_the_authenticator_step(
    route: tuple[Any, ...], role: Role
) -> None:
    _name, method, template, permission, body, state = route
    case = a_case(state)
    client = Client()
    client.force_login(make_user(role, f"{role.value}-{uuid.uuid4().hex[:6]}"))
    path = template.format(case=case.case_number)
    response = call(client, method, path, body)
    if role not in roles_with(permission):
        assert response.status_code == 403  # the role decides before the second factor
        return
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.path == "/console/second-factor/"
    back = parse_qs(location.query).get("next", [""])[0]
    assert back == (path if method == "get" else "")
    case.refresh_from_db()
    assert case.state == (state or CaseState.SUBMITTED)  # nothing was done
