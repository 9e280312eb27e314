"""Every proof page and endpoint, for every role: allowed roles get through, the others
are refused (403, or 404 for someone else's case). The verifier, the JWKS and the
status lists are public. A new route must be listed here; `test_every_route_is_listed`
fails when one is not."""

import uuid
from typing import Any

import pytest
from django.test import Client

from apps.accounts.permissions import Permission, Role, roles_with
from apps.proofs import services, urls
from apps.proofs.api import router
from apps.proofs.tests.conftest import register
from conftest import client_for, make_user
from tests.matrix import call, fill, unlisted_operations, unlisted_pages

pytestmark = pytest.mark.django_db

PUBLIC = "public"
READ = Permission.PROOF_READ_OWN
ISSUE = Permission.PROOF_ISSUE_ANY
PRINT = {"purpose": "case-processing", "reference": "", "layout": "a4", "language": "en"}

# (name, method, path template, permission or PUBLIC, body template)
ROUTES: list[tuple[str, str, str, Any, Any]] = [
    ("verifier page", "get", "/verify/", PUBLIC, None),
    ("verifier check", "post", "/verify/", PUBLIC, {"text": "{text}"}),
    ("jwks", "get", "/.well-known/jwks.json", PUBLIC, None),
    ("status list", "get", "/proofs/status/{list}", PUBLIC, None),
    ("proof page", "get", "/proofs/cases/{case}/", READ, None),
    ("proof pdf", "get", "/proofs/cases/{case}/proof.pdf?layout=card&language=es", READ, None),
    ("console proof page", "get", "/proofs/console/{case}/", ISSUE, None),
    ("console print", "post", "/proofs/console/{case}/print/", ISSUE, PRINT),
    ("console reissue", "post", "/proofs/console/{case}/reissue/", ISSUE, {}),
    ("read proof api", "get", "/api/v1/registrations/{case}/proof", READ, None),
    ("reissue api", "post-json", "/api/v1/registrations/{case}/proof/reissue", ISSUE, None),
    ("verify api", "post-json", "/api/v1/proofs/verify", PUBLIC, {"text": "{text}"}),
]


def fixtures_for(role: Role) -> tuple[Client, dict[str, str]]:
    """A user of `role` and, if they can own things, a registered case of their own;
    otherwise someone else's, which they must not reach."""
    user = make_user(role, f"{role.value}-{uuid.uuid4().hex[:6]}")
    owner = (
        user
        if role is Role.REGISTRANT
        else make_user(Role.REGISTRANT, f"owner-{uuid.uuid4().hex[:6]}")
    )
    officer = make_user(Role.OFFICER, f"officer-{uuid.uuid4().hex[:6]}")
    case = register(owner, officer)
    issued = services.current_proof(owner, case)
    ids = {
        "case": str(case.case_number),
        "list": str(issued.proof.status_list_id),
        "text": issued.text,
    }
    return client_for(user), ids


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r[0])
def test_route_for_role(route: tuple[str, str, str, Any, Any], role: Role) -> None:
    name, method, template, permission, body = route
    client, ids = fixtures_for(role)
    response = call(client, method, fill(template, ids), fill(body, ids))
    allowed = permission is PUBLIC or role in roles_with(permission)
    about_own_case = permission is READ
    if allowed and (not about_own_case or role is Role.REGISTRANT):
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
    page_names = {"{case}": "<str:case_number>", "{list}": "<int:list_id>"}
    unlisted = unlisted_pages(urls.urlpatterns, ROUTES, page_names)
    assert not unlisted, f"not in ROUTES: {unlisted}"
    unlisted = unlisted_operations(router, ROUTES, {"{case}": "{case_number}"})
    assert not unlisted, f"not in ROUTES: {unlisted}"
