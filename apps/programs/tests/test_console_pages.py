"""The console pages of programs in force, for every role, and the public register.

Ada proposes the deployed file from the Programs page; Priya and Paulo each read the
text and type its digest to approve; the public transparency page then shows the new
version, its approvers, its dates and its text, and still shows the version before it.
"""

import uuid
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from apps.accounts.permissions import Permission, Role, roles_with
from apps.programs import services, urls
from apps.programs.models import ProgramVersion, VersionStatus
from apps.programs.tests.factories import PROGRAMS_DIR
from conftest import client_for, make_user
from tests.matrix import call, fill, unlisted_pages

pytestmark = pytest.mark.django_db

CHECK, PROPOSE, APPROVE = (
    Permission.PROGRAM_CHECK,
    Permission.PROGRAM_PROPOSE,
    Permission.PROGRAM_APPROVE,
)
# (name, method, path, permission, body)
ROUTES: list[tuple[str, str, str, Permission | None, Any]] = [
    ("list", "get", "/console/programs/", CHECK, None),
    ("propose", "post", "/console/programs/us-2025/propose/", PROPOSE, {}),
    ("version", "get", "/console/programs/versions/{pk}/", CHECK, None),
    ("approve", "post", "/console/programs/versions/{pk}/approve/", APPROVE,
     {"digest": "{digest}", "read": "on"}),
    ("decline", "post", "/console/programs/versions/{pk}/decline/", APPROVE, {"reason": "Not yet"}),
    ("public text", "get", "/transparency/programs/us-2025/{active}/", None, None),
]  # fmt: skip
PAGE_NAMES = {
    "{pk}": "<int:pk>",
    "us-2025/propose": "<slug:slug>/propose",
    "us-2025/{active}": "<slug:slug>/<str:digest>",
}


@pytest.fixture
def deployed(settings: Settings, tmp_path: Path) -> Path:
    text = (PROGRAMS_DIR / "us-2025.toml").read_text()
    (tmp_path / "us-2025.toml").write_text(
        text.replace('version = "2025.1"', 'version = "2025.2"', 1)
    )
    (tmp_path / "tps-example.toml").write_text((PROGRAMS_DIR / "tps-example.toml").read_text())
    settings.REGISTRY_PROGRAMS_DIR = tmp_path
    return tmp_path


def setup(role: Role) -> tuple[Client, dict[str, Any]]:
    """A user of `role`, and a text proposed by an administrator ({pk}, {digest})."""
    user = make_user(role, f"{role.value}-{uuid.uuid4().hex[:6]}")
    proposer = make_user(Role.ADMIN, f"proposer-{uuid.uuid4().hex[:6]}")
    proposal = services.propose(proposer, "us-2025")
    active = ProgramVersion.objects.get(slug="us-2025", status=VersionStatus.ACTIVE)
    ids = {"pk": proposal.pk, "digest": proposal.digest, "active": active.digest}
    return client_for(user), ids


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r[0])
def test_route_for_role(deployed: Path, route: tuple[Any, ...], role: Role) -> None:
    name, method, template, permission, body = route
    client, ids = setup(role)
    if name == "propose":  # what is proposed must differ from the pending proposal
        ProgramVersion.objects.filter(status=VersionStatus.PROPOSED).update(status="declined")
    response = call(client, method, fill(template, ids), fill(body, ids))
    if permission is None or role in roles_with(permission):
        assert response.status_code < 400, f"{name}: {role} got {response.status_code}"
    else:
        assert response.status_code in (403, 404), f"{name}: {role} got {response.status_code}"


@pytest.mark.parametrize("route", [r for r in ROUTES if r[3] is not None], ids=lambda r: r[0])
def test_anonymous_visitors_are_sent_to_sign_in(deployed: Path, route: tuple[Any, ...]) -> None:
    name, method, template, _permission, body = route
    _, ids = setup(Role.REGISTRANT)
    response = call(Client(), method, fill(template, ids), fill(body, ids))
    assert response.status_code in (302, 401, 403), f"{name}: anonymous got {response.status_code}"


def test_every_page_is_listed() -> None:
    assert unlisted_pages(urls.urlpatterns, ROUTES, PAGE_NAMES) == []


def test_two_privacy_officers_approve_in_the_console_and_the_public_sees_it(
    deployed: Path,
) -> None:
    ada = client_for(make_user(Role.ADMIN))
    priya = client_for(make_user(Role.PRIVACY_OFFICER))
    paulo = client_for(make_user(Role.PRIVACY_OFFICER, "paulo"))

    page = ada.get("/console/programs/").content.decode()
    assert 'data-slug="us-2025" data-state="not proposed"' in page
    assert 'data-slug="tps-example" data-state="in force"' in page
    response = ada.post("/console/programs/us-2025/propose/")
    proposal = ProgramVersion.objects.get(status=VersionStatus.PROPOSED)
    assert response["Location"] == f"/console/programs/versions/{proposal.pk}/"

    page = priya.get(f"/console/programs/versions/{proposal.pk}/").content.decode()
    assert proposal.digest in page
    assert "version = &quot;2025.2&quot;" in page
    assert 'id="check-ok"' in page
    wrong = priya.post(
        f"/console/programs/versions/{proposal.pk}/approve/", {"digest": "0" * 64, "read": "on"}
    )
    assert wrong.status_code == 409
    assert "is not the digest of this text" in wrong.content.decode()
    unread = priya.post(
        f"/console/programs/versions/{proposal.pk}/approve/", {"digest": proposal.digest}
    )
    assert unread.status_code == 422
    for officer in (priya, paulo):
        approved = officer.post(
            f"/console/programs/versions/{proposal.pk}/approve/",
            {"digest": proposal.digest, "read": "on"},
        )
        assert approved.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == VersionStatus.ACTIVE

    public = Client().get("/transparency/").content.decode()
    assert f'data-digest="{proposal.digest}" data-in-force="yes"' in public
    assert 'data-in-force="no"' in public  # the version before stays listed
    assert "Privacy officer #" in public  # approvers without a recorded name
    text = Client().get(f"/transparency/programs/us-2025/{proposal.digest}/")
    assert text.status_code == 200
    assert "version = &quot;2025.2&quot;" in text.content.decode()
    download = Client().get(f"/transparency/programs/us-2025/{proposal.digest}/?format=toml")
    assert services.digest_of(download.content.decode()) == proposal.digest


def test_a_refused_file_shows_its_refusal_and_cannot_be_proposed(
    settings: Settings, tmp_path: Path
) -> None:
    nseers = PROGRAMS_DIR / "examples" / "special-registration-2002.toml"
    (tmp_path / nseers.name).write_text(nseers.read_text())
    settings.REGISTRY_PROGRAMS_DIR = tmp_path
    ada = client_for(make_user(Role.ADMIN))
    page = ada.get("/console/programs/").content.decode()
    assert "ND-1 protected-characteristic" in page
    response = ada.post("/console/programs/special-registration-2002/propose/")
    assert response.status_code == 422
    assert "ND-1 protected-characteristic" in response.content.decode()


def test_a_proposal_or_unknown_digest_is_not_public() -> None:
    proposal_text = Client().get(f"/transparency/programs/us-2025/{'a' * 64}/")
    assert proposal_text.status_code == 404


def test_a_page_that_needs_a_program_not_in_force_explains(amal_client: Client) -> None:
    ProgramVersion.objects.filter(slug="us-2025").update(status=VersionStatus.SUPERSEDED)
    response = amal_client.get("/eligibility/")
    assert response.status_code == 503
    assert 'id="not-in-force"' in response.content.decode()
