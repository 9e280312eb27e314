"""Every audit endpoint, for every role: heads, keys and consistency proofs are public;
an inclusion proof goes to audit:log:read holders and to the entry's own subject (or
their guardian); signing on demand needs audit:log:verify. A new route must be listed
here; `test_every_route_is_listed` fails when one is not."""

import json
import uuid
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from apps.accounts.models import User
from apps.accounts.permissions import Permission, Role, roles_with
from apps.audit import services as audit
from apps.audit import tree
from apps.audit.api import router
from apps.audit.models import Action
from apps.registrations.models import Person
from conftest import client_for, make_user

pytestmark = pytest.mark.django_db

PUBLIC = "public"
READ = Permission.AUDIT_LOG_READ
OWN = Permission.ACCESS_LOG_READ_OWN
VERIFY = Permission.AUDIT_LOG_VERIFY

# (name, method, path template, permission(s) or PUBLIC)
ROUTES: list[tuple[str, str, str, Any]] = [
    ("latest head", "get", "/api/v1/audit/tree-head", PUBLIC),
    ("head at size", "get", "/api/v1/audit/tree-heads/{size}", PUBLIC),
    ("signing keys", "get", "/api/v1/audit/keys", PUBLIC),
    ("consistency", "get", "/api/v1/audit/consistency?first=1&second={size}", PUBLIC),
    ("sign now", "post-json", "/api/v1/audit/tree-heads", {VERIFY}),
    ("inclusion", "get", "/api/v1/audit/entries/{own}/inclusion", {READ, OWN}),
    ("inclusion of another's", "get", "/api/v1/audit/entries/{other}/inclusion", {READ}),
]


def _person_of(user: User) -> Person:
    if user.role == Role.GUARDIAN.value:
        return Person.objects.create(guardian=user, program="us-2025")
    if user.role == Role.REGISTRANT.value:
        return Person.objects.create(account=user, program="us-2025")
    return Person.objects.create(program="us-2025")


def fixtures_for(role: Role) -> tuple[Client, dict[str, str]]:
    user = make_user(role, f"{role.value}-{uuid.uuid4().hex[:6]}")
    own, other = _person_of(user), Person.objects.create(program="us-2025")
    with transaction.atomic():
        mine = audit.record(actor=audit.SYSTEM, action=Action.READ, subject_id=own.id)
        theirs = audit.record(actor=audit.SYSTEM, action=Action.READ, subject_id=other.id)
    head = tree.sign_tree_head()
    ids = {"own": str(mine.pk), "other": str(theirs.pk), "size": str(head.tree_size)}
    return client_for(user), ids


def call(client: Client, method: str, path: str) -> Any:
    if method == "get":
        return client.get(path)
    return client.post(path, json.dumps({}), content_type="application/json")


def _allowed(permission: Any, role: Role) -> bool:
    if permission is PUBLIC:
        return True
    return any(role in roles_with(p) for p in permission)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r[0])
def test_route_for_role(route: tuple[str, str, str, Any], role: Role) -> None:
    name, method, template, permission = route
    client, ids = fixtures_for(role)
    response = call(client, method, template.format(**ids))
    if _allowed(permission, role):
        assert response.status_code < 400, (
            f"{name}: {role} should be allowed, got {response.status_code} {response.content!r}"
        )
    elif permission is not PUBLIC and READ in permission and role in roles_with(OWN):
        assert response.status_code == 404, f"{name}: {role} reached someone else's entry"
    else:
        assert response.status_code in (403, 404), (
            f"{name}: {role} was not refused ({response.status_code})"
        )


@pytest.mark.parametrize("route", [r for r in ROUTES if r[3] is not PUBLIC], ids=lambda r: r[0])
def test_anonymous_visitors_are_refused(route: tuple[str, str, str, Any]) -> None:
    name, method, template, _permission = route
    _, ids = fixtures_for(Role.REGISTRANT)
    response = call(Client(), method, template.format(**ids))
    assert response.status_code in (401, 403), f"{name}: anonymous got {response.status_code}"


def test_public_answers_carry_hashes_only() -> None:
    _, ids = fixtures_for(Role.AUDITOR)
    body = Client().get("/api/v1/audit/tree-head").json()
    assert set(body) == {"id", "tree_size", "root_hash", "timestamp_ms", "kid", "signature"}
    proof = Client().get(f"/api/v1/audit/consistency?first=1&second={ids['size']}").json()
    assert set(proof) == {"first", "second", "path"}


def test_every_route_is_listed() -> None:
    listed = {
        (method.removesuffix("-json").upper(), template.removeprefix("/api/v1").split("?")[0])
        for _, method, template, _ in ROUTES
    }
    shapes = {
        (
            m,
            p.replace("{size}", "{tree_size}")
            .replace("{own}", "{entry_id}")
            .replace("{other}", "{entry_id}"),
        )
        for m, p in listed
    }
    for path, view in router.path_operations.items():
        for operation in view.operations:
            for http_method in operation.methods:
                assert (http_method, path) in shapes, f"not in ROUTES: {http_method} {path}"
