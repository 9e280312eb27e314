"""Every agreement page for every role: only privacy officers get through; the partner
API is for partner clients' bearer tokens only (test_no_bulk_access.py and the stories).
A new page must be listed here; `test_every_page_is_listed` fails when one is not."""

import uuid
from typing import Any

import pytest
from django.test import Client

from apps.accounts.permissions import Permission, Role, roles_with
from apps.partners import services, urls
from apps.partners.tests.conftest import PDF, terms
from conftest import client_for, make_user
from tests.matrix import fill

pytestmark = pytest.mark.django_db

RECORD = Permission.AGREEMENT_RECORD
APPROVE = Permission.AGREEMENT_APPROVE
TERMS = {
    "purpose": "Court checks",
    "legal_basis": "A statute",
    "query_types": ["registration_number"],
    "rate_limit_per_minute": "10",
    "starts_at": "2026-01-01T00:00",
    "ends_at": "2030-01-01T00:00",
}

# (name, method, path, permission, body)
ROUTES: list[tuple[str, str, str, Permission, Any]] = [
    ("list", "get", "/console/agreements/", RECORD, None),
    ("new page", "get", "/console/agreements/new/", RECORD, None),
    (
        "record",
        "post",
        "/console/agreements/new/",
        RECORD,
        {**TERMS, "reference": "court-{n}", "organisation": "Court"},
    ),
    ("agreement page", "get", "/console/agreements/{ref}/", RECORD, None),
    (
        "propose change",
        "post",
        "/console/agreements/{active}/",
        RECORD,
        {**TERMS, "hit_fields": ["status"]},
    ),
    ("approve", "post", "/console/agreements/{ref}/versions/1/approve/", APPROVE, {}),
    ("decline", "post", "/console/agreements/{ref}/versions/1/decline/", APPROVE, {}),
    ("revoke", "post", "/console/agreements/{ref}/revoke/", RECORD, {"reason": "ended"}),
]


def setup(role: Role) -> tuple[Client, dict[str, str]]:
    """A user of `role`, an agreement proposed by another privacy officer ({ref}) and
    one already in force ({active})."""
    user = make_user(role, f"{role.value}-{uuid.uuid4().hex[:6]}")
    proposer = make_user(Role.PRIVACY_OFFICER, f"proposer-{uuid.uuid4().hex[:6]}")
    approver = make_user(Role.PRIVACY_OFFICER, f"approver-{uuid.uuid4().hex[:6]}")
    reference, active = (f"port-{uuid.uuid4().hex[:6]}" for _ in range(2))
    services.propose(proposer, reference=reference, organisation="Port", terms=terms())
    version = services.propose(proposer, reference=active, organisation="Port", terms=terms())
    services.approve(approver, version)
    return client_for(user), {"ref": reference, "active": active, "n": uuid.uuid4().hex[:6]}


def call(client: Client, method: str, path: str, body: Any) -> Any:
    if method == "get":
        return client.get(path)
    data = dict(body)
    if "query_types" in data:
        data["document"] = _pdf()
    return client.post(path, data)


def _pdf() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("agreement.pdf", PDF, content_type="application/pdf")


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r[0])
def test_route_for_role(route: tuple[str, str, str, Permission, Any], role: Role) -> None:
    name, method, template, permission, body = route
    client, ids = setup(role)
    response = call(client, method, fill(template, ids), fill(body, ids))
    if role in roles_with(permission):
        assert response.status_code < 400, (
            f"{name}: {role} should be allowed, got {response.status_code}"
        )
    else:
        assert response.status_code in (403, 404), (
            f"{name}: {role} was not refused ({response.status_code})"
        )


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r[0])
def test_anonymous_visitors_are_sent_to_sign_in(route: tuple[str, str, str, Permission, Any]):
    name, method, template, _permission, body = route
    _, ids = setup(Role.REGISTRANT)
    response = call(Client(), method, fill(template, ids), fill(body, ids))
    assert response.status_code in (302, 401, 403), f"{name}: anonymous got {response.status_code}"


def test_every_page_is_listed() -> None:
    pages = {"/" + str(p.pattern) for p in urls.urlpatterns}
    listed = {
        path.replace("{ref}", "<slug:reference>")
        .replace("{active}", "<slug:reference>")
        .replace("/1/", "/<int:number>/")
        for _, _, path, _, _ in ROUTES
    }
    assert pages <= listed, f"not in ROUTES: {sorted(pages - listed)}"


PARTNER_API = [
    "/api/v1/partner/queries/registration-number",
    "/api/v1/partner/queries/document-number",
    "/api/v1/partner/queries/face",
    "/api/v1/partner/departures",
]


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("path", PARTNER_API)
def test_no_signed_in_role_reaches_the_partner_api(path: str, role: Role) -> None:
    """Only a partner client's bearer token opens these (see test_no_bulk_access.py and
    the stories); a signed-in session of any role, the partner role included, gets 401."""
    client = client_for(make_user(role, f"{role.value}-{uuid.uuid4().hex[:6]}"))
    response = client.post(path, "{}", content_type="application/json")
    assert response.status_code == 401, (path, role, response.status_code)
    assert Client().post(path, "{}", content_type="application/json").status_code == 401
