"""Every page of the auditor's console, for every role: holders of the permission get
through, every other role is refused (403), and so is the anonymous visitor (sent to
sign in). A new page must be listed here; `test_every_page_is_listed` fails when one
is not."""

import uuid
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from apps.accounts.permissions import Permission, Role, roles_with
from apps.audit import services as audit
from apps.audit import tree, urls
from apps.audit.models import Action, AuditVerification
from conftest import client_for, make_user
from tests.matrix import call, fill, unlisted_pages

pytestmark = pytest.mark.django_db

READ = Permission.AUDIT_LOG_READ
VERIFY = Permission.AUDIT_LOG_VERIFY

# (name, method, path template, permission, body). {entry}: an entry of the system
# chain; {check}: a finished check.
ROUTES: list[tuple[str, str, str, Permission, Any]] = [
    ("console", "get", "/audit/", READ, None),
    ("search", "post", "/audit/search/", READ, {"entry_id": "{entry}", "purpose": "oversight"}),
    ("entry", "get", "/audit/entries/{entry}/", READ, None),
    ("sign a head", "post", "/audit/tree-heads/", VERIFY, {}),
    ("verify now", "post", "/audit/verifications/", VERIFY, {}),
    ("check", "get", "/audit/verifications/{check}/", VERIFY, None),
    ("check progress", "get", "/audit/verifications/{check}/progress/", VERIFY, None),
]


def fixtures_for(role: Role) -> tuple[Client, dict[str, str]]:
    user = make_user(role, f"{role.value}-{uuid.uuid4().hex[:6]}")
    with transaction.atomic():
        entry = audit.record(actor=audit.SYSTEM, action=Action.UPDATE, subject_id=None)
    tree.sign_tree_head()
    check = AuditVerification.objects.create(state="intact", active=None)
    return client_for(user), {"entry": str(entry.pk), "check": str(check.id)}


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r[0])
def test_route_for_role(route: tuple[str, str, str, Permission, Any], role: Role) -> None:
    name, method, template, permission, body = route
    client, ids = fixtures_for(role)
    response = call(client, method, fill(template, ids), fill(body, ids))
    if role in roles_with(permission):
        assert response.status_code in (200, 302), (
            f"{name}: {role} should be allowed, got {response.status_code}"
        )
    else:
        assert response.status_code == 403, f"{name}: {role} was not refused"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r[0])
def test_anonymous_visitors_are_sent_to_sign_in(
    route: tuple[str, str, str, Permission, Any],
) -> None:
    name, method, template, _permission, body = route
    _, ids = fixtures_for(Role.AUDITOR)
    response = call(Client(), method, fill(template, ids), fill(body, ids))
    assert response.status_code == 302, f"{name}: anonymous got {response.status_code}"
    assert response["Location"].startswith("/accounts/login/")


def test_every_page_is_listed() -> None:
    rename = {"{entry}": "<int:entry_id>", "{check}": "<uuid:verification_id>"}
    assert unlisted_pages(urls.urlpatterns, ROUTES, rename) == []
