"""Every page and endpoint, for every role: allowed roles get through, the others are
refused (403, or 404 for someone else's object). New endpoints must be added here;
`test_every_route_is_covered` fails when one is not."""

import uuid
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from apps.accounts.permissions import Permission, Role, roles_with
from apps.registrations import services
from conftest import VALID_FORM, client_for, make_user
from tests.matrix import call

pytestmark = pytest.mark.django_db

PUBLIC = "public"  # pages anyone may open


# (name, method, path template, permission or PUBLIC, body)
ROUTES: list[tuple[str, str, str, Any, Any]] = [
    ("eligibility page", "get", "/eligibility/", Permission.ELIGIBILITY_CHECK, None),
    ("my registrations page", "get", "/my/", Permission.REGISTRATION_READ_OWN, None),
    ("access log page", "get", "/my/access-log/", Permission.ACCESS_LOG_READ_OWN, None),
    (
        "start own draft page",
        "post",
        "/register/start/",
        Permission.REGISTRATION_FILE_OWN,
        {"for_child": "0"},
    ),
    (
        "start child draft page",
        "post",
        "/register/start/",
        Permission.REGISTRATION_FILE_CHILD,
        {"for_child": "1"},
    ),
    ("draft page", "get", "/register/{draft}/", Permission.REGISTRATION_READ_OWN, None),
    ("case page", "get", "/cases/{case}/", Permission.REGISTRATION_READ_OWN, None),
    (
        "eligibility api",
        "post-json",
        "/api/v1/eligibility",
        Permission.ELIGIBILITY_CHECK,
        {"is_citizen": False, "birth_date": "1990-01-01", "arrival_date": "2025-01-01"},
    ),
    ("start draft api", "post-json", "/api/v1/drafts", Permission.REGISTRATION_FILE_OWN, {}),
    (
        "start child draft api",
        "post-json",
        "/api/v1/drafts",
        Permission.REGISTRATION_FILE_CHILD,
        {"for_child": True},
    ),
    ("read draft api", "get", "/api/v1/drafts/{draft}", Permission.REGISTRATION_READ_OWN, None),
    (
        "save draft api",
        "put-json",
        "/api/v1/drafts/{draft}",
        Permission.REGISTRATION_READ_OWN,
        {"data": {}},
    ),
    (
        "submit draft api",
        "post-json",
        "/api/v1/drafts/{draft}/submit",
        Permission.REGISTRATION_FILE_OWN,
        None,
    ),
    (
        "file api",
        "post-json",
        "/api/v1/registrations",
        Permission.REGISTRATION_FILE_OWN,
        {"data": VALID_FORM},
    ),
    ("list api", "get", "/api/v1/registrations", Permission.REGISTRATION_READ_OWN, None),
    ("case api", "get", "/api/v1/registrations/{case}", Permission.REGISTRATION_READ_OWN, None),
    ("access log api", "get", "/api/v1/me/access-log", Permission.ACCESS_LOG_READ_OWN, None),
    (
        "read person api",
        "get",
        "/api/v1/persons/{person}?purpose=case-processing",
        Permission.PERSON_READ_ANY,
        None,
    ),
    (
        "erase person api",
        "post-json",
        "/api/v1/persons/{person}/erase",
        Permission.PERSON_KEY_DESTROY,
        {"reason": "court-order"},
    ),
    ("address page", "get", "/cases/{case}/address/", Permission.ADDRESS_REPORT_OWN, None),
    ("departure page", "get", "/cases/{case}/departure/", Permission.DEPARTURE_RECORD_OWN, None),
    (
        "evidence response page",
        "post",
        "/cases/{case}/evidence-response/",
        Permission.REGISTRATION_READ_OWN,
        {},
    ),
    (
        "address api",
        "post-json",
        "/api/v1/registrations/{case}/address",
        Permission.ADDRESS_REPORT_OWN,
        {
            "address": {"line1": "9 Oak Ave", "city": "Trenton", "country": "US"},
            "moved_on": "2026-11-01",
        },
    ),
    (
        "departure api",
        "post-json",
        "/api/v1/registrations/{case}/departure",
        Permission.DEPARTURE_RECORD_OWN,
        {"departed_on": "2026-11-01", "port": "JFK"},
    ),
    (
        "evidence response api",
        "post-json",
        "/api/v1/registrations/{case}/evidence-response",
        Permission.REGISTRATION_READ_OWN,
        None,
    ),
]


def fixtures_for(role: Role) -> tuple[Client, dict[str, str]]:
    """A user of `role` and, if they can own things, a draft and a case of their own;
    otherwise someone else's, which they must not reach."""
    user = make_user(role, f"{role.value}-{uuid.uuid4().hex[:6]}")
    owner = (
        user
        if role in (Role.REGISTRANT,)
        else make_user(Role.REGISTRANT, f"owner-{uuid.uuid4().hex[:6]}")
    )
    draft = services.start_draft(owner, program_slug="us-2025", for_child=False, language="en")
    services.save_draft(owner, draft, VALID_FORM)
    case, _ = services.file_registration(
        owner,
        program_slug="us-2025",
        for_child=False,
        data=VALID_FORM,
        language="en",
        idempotency_key=None,
    )
    ids = {"draft": str(draft.id), "case": str(case.case_number), "person": str(case.person_id)}
    return client_for(user), ids


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r[0])
def test_route_for_role(route: tuple[str, str, str, Any, Any], role: Role) -> None:
    name, method, template, permission, body = route
    client, ids = fixtures_for(role)
    response = call(client, method, template.format(**ids), body)
    allowed = permission is PUBLIC or role in roles_with(permission)
    owns = role is Role.REGISTRANT
    if allowed and (":own:" not in str(permission) or owns or "{" not in template):
        # Allowed: past the permission check. The case may still be in the wrong
        # state for the action (409), which is not a refusal of the role.
        assert response.status_code < 400 or response.status_code == 409, (
            f"{name}: {role} should be allowed, got {response.status_code}"
        )
    elif allowed:
        assert response.status_code == 404, f"{name}: {role} reached someone else's object"
    else:
        assert response.status_code in (403, 404), (
            f"{name}: {role} was not refused ({response.status_code})"
        )


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r[0])
def test_anonymous_visitors_are_refused(route: tuple[str, str, str, Any, Any]) -> None:
    name, method, template, _permission, body = route
    _, ids = fixtures_for(Role.REGISTRANT)
    response = call(Client(), method, template.format(**ids), body)
    assert response.status_code in (401, 403, 302), f"{name}: anonymous got {response.status_code}"


def _all_routes() -> set[str]:
    found: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                found.add(prefix + str(p.pattern))

    walk(get_resolver().url_patterns, "")
    return found


NOT_PERMISSIONED = {
    # Public pages and the API's public endpoints (sign-up, sign-in, schema, programs).
    "",
    "i18n/setlang/",
    "accounts/signup/",
    "accounts/verify/<str:token>/",
    "accounts/login/",
    "accounts/logout/",
    "accounts/password-reset/",
    "accounts/password-reset/sent/",
    "accounts/password-reset/<uidb64>/<token>/",
    "accounts/password-reset/complete/",
    "accounts/activation/resend/",
    "api/v1/auth/signup",
    "api/v1/auth/verify",
    "api/v1/auth/login",
    "api/v1/auth/logout",
    "api/v1/auth/resend-activation",
    "api/v1/me",
    "api/v1/programs/<slug>",
    "api/v1/",
    "api/v1/openapi.json",
    "api/v1/docs",
    # OAuth 2.0 token endpoints: the partner client authenticates itself (client
    # credentials); what a token may do is the partner API's and the agreement's.
    "o/token/",
    "o/revoke_token/",
}


# Apps whose routes need their own fixtures (offices, bookings) keep their own matrix,
# built the same way: every route x every role, and anonymous visitors.
COVERED_BY_APP_MATRIX = {
    ("appointments/", "api/v1/appointments", "api/v1/offices", "api/v1/slots"): (
        "apps/appointments/tests/test_permission_matrix.py"
    ),
    ("console/",): "apps/console/tests/test_access_matrix.py",
    ("biometrics/", "api/v1/biometrics"): "apps/biometrics/tests/test_permission_matrix.py",
    (
        "proofs/",
        "verify/",
        ".well-known/",
        "api/v1/proofs",
        "api/v1/registrations/<case_number>/proof",
    ): "apps/proofs/tests/test_permission_matrix.py",
    (
        "my/rights/",
        "console/rights/",
        "api/v1/me/subject-access",
        "api/v1/me/requests",
        "api/v1/holds",
        "api/v1/corrections",
        "api/v1/complaints",
        "api/v1/citizenship-claims",
        "api/v1/cases/",
        "api/v1/redress",
    ): "apps/rights/tests/test_permission_matrix.py",
    ("retention/", "api/v1/retention"): "apps/retention/tests/test_permission_matrix.py",
    ("transparency/", "api/v1/statistics"): "apps/transparency/tests/test_permission_matrix.py",
    ("console/agreements/", "api/v1/partner/"): "apps/partners/tests/test_permission_matrix.py",
    ("api/v1/audit",): "apps/audit/tests/test_permission_matrix.py",
    ("console/jobs/", "api/v1/jobs"): "apps/jobs/tests/test_permission_matrix.py",
    # issue 15: proposing and approving programs, and the public text of each version
    ("console/programs/", "transparency/programs/"): "apps/programs/tests/test_console_pages.py",
    # The auditor's console (issue 17).
    ("audit/",): "apps/audit/tests/test_console_permission_matrix.py",
}
ROOT = Path(__file__).resolve().parents[3]


def test_every_route_is_covered() -> None:
    covered = {
        template.split("?")[0]
        .replace("{draft}", "<uuid:registration_id>")
        .replace("{case}", "<str:case_number>")
        .lstrip("/")
        for _, _, template, _, _ in ROUTES
    }
    api_covered = {
        c.replace("<uuid:registration_id>", "<registration_id>")
        .replace("<str:case_number>", "<case_number>")
        .replace("{person}", "<person_id>")
        for c in covered
    }
    routes = {r for r in _all_routes() if not r.startswith("admin/")}
    # The longest matching prefix decides (console/rights/ before console/).
    owner = {
        route: max(
            ((p, m) for ps, m in COVERED_BY_APP_MATRIX.items() for p in ps if route.startswith(p)),
            default=(None, None),
            key=lambda found: len(found[0] or ""),
        )[1]
        for route in routes
    }
    for matrix in set(COVERED_BY_APP_MATRIX.values()):
        elsewhere = {r for r in routes if owner[r] == matrix}
        if elsewhere:
            assert (ROOT / matrix).exists(), f"{matrix} must cover {sorted(elsewhere)}"
            text = (ROOT / matrix).read_text()
            for route in elsewhere:
                stem = route.split("<")[0].rstrip("/").split("/")[-1]
                assert stem in text, f"{route} is not in {matrix}"
        routes -= elsewhere
    unknown = {
        r
        for r in routes
        if r not in NOT_PERMISSIONED
        and r not in covered
        and r not in api_covered
        and r.replace("{person}", "<person_id>") not in api_covered
    }
    assert not unknown, f"routes without a permission test: {sorted(unknown)}"
