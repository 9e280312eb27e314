"""Every retention page and endpoint, for every role: allowed roles get through, the
others are refused (403). A new route must be listed here; `test_every_route_is_listed`
fails when one is not."""

import uuid
from typing import Any

import pytest
from django.test import Client

from apps.accounts.permissions import Permission, Role, roles_with
from apps.audit.services import SYSTEM
from apps.retention import services, urls
from apps.retention.api import router
from apps.retention.models import RetentionRun, RunState
from apps.retention.tests.conftest import file_for
from conftest import client_for, make_user
from tests import matrix
from tests.matrix import call, unlisted_operations, unlisted_pages

pytestmark = pytest.mark.django_db

READ = Permission.RETENTION_READ
APPROVE = Permission.RETENTION_APPROVE
DESTROY = Permission.PERSON_KEY_DESTROY
RECEIPT = "RECEIPT"  # the body is a whole signed receipt

# (name, method, path template, permission, body template)
# {run}: a finished run; {awaiting}: a run waiting for approval; {case}/{person}: a
# living person's case and id; {receipt}: the receipt of an earlier expungement.
ROUTES: list[tuple[str, str, str, Permission, Any]] = [
    ("runs page", "get", "/retention/runs/", READ, None),
    ("dry run on page", "post", "/retention/runs/", APPROVE, {"program": "us-2025"}),
    ("run page", "get", "/retention/runs/{run}/", READ, None),
    ("approve on page", "post", "/retention/runs/{awaiting}/approve/", APPROVE, {}),
    ("expunge page", "get", "/retention/expunge/", DESTROY, None),
    (
        "expunge on page",
        "post",
        "/retention/expunge/",
        DESTROY,
        {"case_number": "{case}", "ground": "court-order", "confirm": "on"},
    ),
    ("receipt page", "get", "/retention/receipts/{receipt}/", READ, None),
    ("runs api", "get", "/api/v1/retention/runs", READ, None),
    ("run api", "get", "/api/v1/retention/runs/{run}", READ, None),
    ("approve api", "post-json", "/api/v1/retention/runs/{awaiting}/approve", APPROVE, None),
    (
        "expunge api",
        "post-json",
        "/api/v1/retention/expungements",
        DESTROY,
        {"person_id": "{person}", "ground": "court-order"},
    ),
    ("receipt api", "get", "/api/v1/retention/expungements/{receipt}", READ, None),
    ("verify api", "post-json", "/api/v1/retention/receipts/verify", READ, RECEIPT),
    ("receipt keys api", "get", "/api/v1/retention/keys", READ, None),
]


def fixtures_for(role: Role) -> tuple[Client, dict[str, Any]]:
    user = make_user(role, f"{role.value}-{uuid.uuid4().hex[:6]}")
    done = RetentionRun.objects.create(
        program="us-2025", as_of="2026-01-01", state=RunState.DONE, requested_by_role="system"
    )
    awaiting = RetentionRun.objects.create(
        program="us-2025",
        as_of="2026-01-01",
        state=RunState.AWAITING_APPROVAL,
        requested_by_role="system",
    )
    living = file_for()
    receipt = services.expunge_person(SYSTEM, file_for().person_id, ground="court-order")
    ids = {
        "run": str(done.id),
        "awaiting": str(awaiting.id),
        "case": str(living.case_number),
        "person": str(living.person_id),
        "receipt": str(receipt.receipt_id),
        RECEIPT: receipt.as_dict(),
    }
    return client_for(user), ids


def fill(template: Any, ids: dict[str, Any]) -> Any:
    """tests.matrix.fill, but the RECEIPT body stands for the receipt object itself."""
    return ids[RECEIPT] if template == RECEIPT else matrix.fill(template, ids)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r[0])
def test_route_for_role(route: tuple[str, str, str, Permission, Any], role: Role) -> None:
    name, method, template, permission, body = route
    client, ids = fixtures_for(role)
    response = call(client, method, fill(template, ids), fill(body, ids))
    if role in roles_with(permission):
        assert response.status_code < 400, (
            f"{name}: {role} should be allowed, got {response.status_code}"
        )
    else:
        assert response.status_code == 403, (
            f"{name}: {role} was not refused ({response.status_code})"
        )


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r[0])
def test_anonymous_visitors_are_refused(route: tuple[str, str, str, Permission, Any]) -> None:
    name, method, template, _permission, body = route
    _, ids = fixtures_for(Role.REGISTRANT)
    response = call(Client(), method, fill(template, ids), fill(body, ids))
    assert response.status_code in (401, 403, 302), f"{name}: anonymous got {response.status_code}"


def test_every_route_is_listed() -> None:
    page_names = {
        "{run}": "<uuid:run_id>",
        "{awaiting}": "<uuid:run_id>",
        "{receipt}": "<uuid:receipt_id>",
    }
    unlisted = unlisted_pages(urls.urlpatterns, ROUTES, page_names)
    assert not unlisted, f"not in ROUTES: {unlisted}"
    api_names = {"{run}": "{run_id}", "{awaiting}": "{run_id}", "{receipt}": "{receipt_id}"}
    unlisted = unlisted_operations(router, ROUTES, api_names)
    assert not unlisted, f"not in ROUTES: {unlisted}"
