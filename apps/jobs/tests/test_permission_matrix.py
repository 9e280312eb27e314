"""Every scheduled-jobs page and endpoint, for every role: supervisors and
administrators see the jobs, only administrators start one, everyone else is refused
(403), and anonymous visitors are sent to sign in. A new route must be listed here;
`test_every_route_is_listed` fails when one is not."""

import uuid
from typing import Any

import pytest
from django.test import Client

from apps.accounts.permissions import Permission, Role, roles_with
from apps.jobs import urls
from apps.jobs.api import router
from conftest import client_for, make_user
from tests.matrix import call, fill, unlisted_operations, unlisted_pages

pytestmark = pytest.mark.django_db

READ = Permission.JOB_RUNS_READ
START = Permission.JOB_RUN_START

# (name, method, path template, permission, body template)
ROUTES: list[tuple[str, str, str, Permission, Any]] = [
    ("jobs page", "get", "/console/jobs/", READ, None),
    ("job page", "get", "/console/jobs/{job}/", READ, None),
    ("start on page", "post", "/console/jobs/{job}/run/", START, {}),
    ("jobs api", "get", "/api/v1/jobs", READ, None),
    ("runs api", "get", "/api/v1/jobs/{job}/runs", READ, None),
    ("start api", "post-json", "/api/v1/jobs/{job}/runs", START, None),
]
IDS = {"job": "holds"}


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r[0])
def test_route_for_role(route: tuple[str, str, str, Permission, Any], role: Role) -> None:
    name, method, template, permission, body = route
    client = client_for(make_user(role, f"{role.value}-{uuid.uuid4().hex[:6]}"))
    response = call(client, method, fill(template, IDS), fill(body, IDS))
    if role in roles_with(permission):
        assert response.status_code < 400, f"{name}: {role} should be allowed"
    else:
        assert response.status_code == 403, f"{name}: {role} got {response.status_code}"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r[0])
def test_anonymous_visitors_are_refused(route: tuple[str, str, str, Permission, Any]) -> None:
    name, method, template, _permission, body = route
    response = call(Client(), method, fill(template, IDS), fill(body, IDS))
    assert response.status_code in (401, 403, 302), f"{name}: anonymous got {response.status_code}"


def test_every_route_is_listed() -> None:
    assert unlisted_pages(urls.urlpatterns, ROUTES, {"{job}": "<slug:name>"}) == []
    assert unlisted_operations(router, ROUTES, {"{job}": "{name}"}) == []


def test_an_unknown_job_is_not_found() -> None:
    ada = client_for(make_user(Role.ADMIN))
    assert ada.get("/console/jobs/no-such-job/").status_code == 404
    assert ada.get("/api/v1/jobs/no-such-job/runs").status_code == 404
