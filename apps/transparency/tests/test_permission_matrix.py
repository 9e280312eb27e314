"""Every statistics page and endpoint, for every role: the public ones answer anyone,
the others only the roles whose permission they name. A new route must be listed
here; `test_every_route_is_listed` fails when one is not."""

import uuid
from typing import Any

import pytest
from django.test import Client

from apps.accounts.permissions import Permission, Role, roles_with
from apps.transparency import services, urls
from apps.transparency.api import router
from conftest import client_for, make_user
from tests.matrix import call, unlisted_operations, unlisted_pages

pytestmark = pytest.mark.django_db

PUBLIC = "public"
RELEASE = Permission.STATISTICS_RELEASE
LEDGER = Permission.STATISTICS_LEDGER_READ

# (name, method, path template, permission or PUBLIC, body); {release}: a release id.
ROUTES: list[tuple[str, str, str, Any, Any]] = [
    ("public page", "get", "/transparency/", PUBLIC, None),
    ("json download", "get", "/transparency/statistics/{release}.json", PUBLIC, None),
    ("csv download", "get", "/transparency/statistics/{release}.csv", PUBLIC, None),
    ("signing keys", "get", "/transparency/keys.json", PUBLIC, None),
    ("ledger page", "get", "/transparency/ledger/", LEDGER, None),
    ("release form", "get", "/transparency/release/", RELEASE, None),
    ("release on page", "post", "/transparency/release/", RELEASE, {"period": "2026-09"}),
    ("releases api", "get", "/api/v1/statistics/releases", PUBLIC, None),
    ("release api", "post-json", "/api/v1/statistics/releases", RELEASE, {"period": "2026-09"}),
    ("ledger api", "get", "/api/v1/statistics/ledger", LEDGER, None),
]


def fixtures_for(role: Role) -> tuple[Client, dict[str, str]]:
    user = make_user(role, f"{role.value}-{uuid.uuid4().hex[:6]}")
    officer = make_user(Role.PRIVACY_OFFICER, f"priya-{uuid.uuid4().hex[:6]}")
    release, _ = services.release_statistics(officer, "2026-10", tables=["complaints"])
    return client_for(user), {"release": release.release_id}


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r[0])
def test_route_for_role(route: tuple[str, str, str, Any, Any], role: Role) -> None:
    name, method, template, permission, body = route
    client, ids = fixtures_for(role)
    response = call(client, method, template.format(**ids), body)
    if permission is PUBLIC or role in roles_with(permission):
        assert response.status_code < 400, (
            f"{name}: {role} should be allowed, got {response.status_code}"
        )
    else:
        assert response.status_code == 403, (
            f"{name}: {role} was not refused ({response.status_code})"
        )


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r[0])
def test_anonymous_visitors(route: tuple[str, str, str, Any, Any]) -> None:
    name, method, template, permission, body = route
    _, ids = fixtures_for(Role.REGISTRANT)
    response = call(Client(), method, template.format(**ids), body)
    if permission is PUBLIC:
        assert response.status_code == 200, f"{name}: the public got {response.status_code}"
    else:
        assert response.status_code in (401, 403, 302), (
            f"{name}: anonymous got {response.status_code}"
        )


def test_every_route_is_listed() -> None:
    unlisted = unlisted_pages(urls.urlpatterns, ROUTES, {"{release}": "<slug:release_id>"})
    assert not unlisted, f"not in ROUTES: {unlisted}"
    unlisted = unlisted_operations(router, ROUTES)
    assert not unlisted, f"not in ROUTES: {unlisted}"
