"""A program takes effect only when two privacy officers approve its exact text.

Ada, the administrator, deploys a new version of us-2025 and proposes it. Priya and
Paulo, privacy officers, each read it and approve its digest; only then does the
running system use it. Pia, who proposed another text herself, cannot approve it. A
text the check refuses never takes effect, not even one proposed before a rule was added.
"""

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from apps.accounts.models import User
from apps.accounts.permissions import Role
from apps.audit.models import AuditEntry
from apps.programs import services
from apps.programs.loader import get_program
from apps.programs.models import ProgramVersion, VersionStatus
from apps.programs.services import ProgramRefused
from apps.programs.tests.factories import NSEERS, PROGRAMS_DIR
from conftest import make_user
from registry.errors import Conflict, NotAllowed, NotFound

pytestmark = pytest.mark.django_db

US_FILE = PROGRAMS_DIR / "us-2025.toml"


@pytest.fixture
def deployed(settings: SettingsWrapper, tmp_path: Path) -> Path:
    """us-2025 version 2025.2 (a shorter draft retention), deployed to the programs dir."""
    text = US_FILE.read_text().replace('version = "2025.1"', 'version = "2025.2"', 1)
    text = text.replace("draft_days = 90", "draft_days = 60", 1)
    (tmp_path / "us-2025.toml").write_text(text)
    settings.REGISTRY_PROGRAMS_DIR = tmp_path
    return tmp_path / "us-2025.toml"


@pytest.fixture
def ada(db: None) -> User:
    return make_user(Role.ADMIN)


@pytest.fixture
def paulo(db: None) -> User:
    return make_user(Role.PRIVACY_OFFICER, "paulo")


@pytest.fixture
def pia(db: None) -> User:
    return make_user(Role.PRIVACY_OFFICER, "pia")


def program_entries() -> list[tuple[str, str]]:
    return [
        (entry.detail["outcome"], entry.object_id)
        for entry in AuditEntry.objects.filter(object_type="program").order_by("id")
    ]


def test_two_privacy_officers_put_a_deployed_file_in_force(
    deployed: Path, ada: User, priya: User, paulo: User
) -> None:
    before = ProgramVersion.objects.get(slug="us-2025", status=VersionStatus.ACTIVE)
    proposal = services.propose(ada, "us-2025")
    assert proposal.status == VersionStatus.PROPOSED
    assert proposal.digest == services.digest_of(deployed.read_text())
    assert get_program("us-2025").program.version == "2025.1"  # a file is not in force

    services.approve(priya, proposal, digest=proposal.digest)
    assert get_program("us-2025").program.version == "2025.1"  # one approval is not enough

    services.approve(paulo, proposal, digest=proposal.digest)
    program = get_program("us-2025")
    assert (program.program.version, program.retention.draft_days) == ("2025.2", 60)
    proposal.refresh_from_db()
    before.refresh_from_db()
    assert proposal.status == VersionStatus.ACTIVE
    assert proposal.in_force_from is not None
    assert before.status == VersionStatus.SUPERSEDED
    assert before.in_force_until == proposal.in_force_from
    assert [a.approver for a in proposal.approvals.all()] == [priya, paulo]
    assert program_entries() == [
        ("proposed", "us-2025"),
        ("approved", "us-2025"),
        ("approved", "us-2025"),
        ("superseded", "us-2025"),
        ("in_force", "us-2025"),
    ]


def test_the_proposer_cannot_approve_and_no_one_approves_twice(
    deployed: Path, pia: User, priya: User
) -> None:
    proposal = services.propose(pia, "us-2025")
    with pytest.raises(NotAllowed, match="You proposed this text"):
        services.approve(pia, proposal, digest=proposal.digest)
    services.approve(priya, proposal, digest=proposal.digest)
    with pytest.raises(NotAllowed, match="approved this text already"):
        services.approve(priya, proposal, digest=proposal.digest)
    assert get_program("us-2025").program.version == "2025.1"


def test_only_privacy_officers_approve(deployed: Path, ada: User, user_with_role: object) -> None:
    proposal = services.propose(ada, "us-2025")
    for role in (Role.ADMIN, Role.SUPERVISOR, Role.AUDITOR, Role.OFFICER, Role.REGISTRANT):
        someone = make_user(role, f"someone-{role.value}")
        with pytest.raises(NotAllowed):
            services.approve(someone, proposal, digest=proposal.digest)
    with pytest.raises(NotAllowed):
        services.propose(make_user(Role.OFFICER, "olu"), "us-2025")


def test_an_approval_names_the_exact_digest(deployed: Path, ada: User, priya: User) -> None:
    proposal = services.propose(ada, "us-2025")
    other = services.digest_of(US_FILE.read_text())  # the text in force, not this one
    with pytest.raises(Conflict, match="is not the digest of this text"):
        services.approve(priya, proposal, digest=other)
    assert not proposal.approvals.exists()


def test_proposing_again_is_idempotent_and_one_proposal_waits_at_a_time(
    deployed: Path, ada: User
) -> None:
    first = services.propose(ada, "us-2025")
    assert services.propose(ada, "us-2025") == first
    deployed.write_text(deployed.read_text().replace("draft_days = 60", "draft_days = 30", 1))
    with pytest.raises(Conflict, match="awaits approval"):
        services.propose(ada, "us-2025")


def test_the_text_in_force_is_not_proposed_again(ada: User) -> None:
    with pytest.raises(Conflict, match="already in force"):
        services.propose(ada, "us-2025")


def test_a_refused_file_cannot_be_proposed(
    settings: SettingsWrapper, tmp_path: Path, ada: User
) -> None:
    (tmp_path / NSEERS.name).write_text(NSEERS.read_text())
    settings.REGISTRY_PROGRAMS_DIR = tmp_path
    with pytest.raises(ProgramRefused, match="ND-1 protected-characteristic"):
        services.propose(ada, "special-registration-2002")
    assert not ProgramVersion.objects.filter(slug="special-registration-2002").exists()


def test_approval_runs_the_check_again(ada: User, priya: User, paulo: User) -> None:
    """A text stored as proposed before the check learned to refuse it (here the 2002
    call-in, as an older check might have let it through) never takes effect."""
    text = NSEERS.read_text()
    stale = ProgramVersion.objects.create(
        slug="special-registration-2002",
        version="2002.4",
        kind="compulsory",
        title="Special Registration",
        text=text,
        digest=services.digest_of(text),
        proposed_by=ada,
    )
    with pytest.raises(ProgramRefused, match="ND-1"):
        services.approve(priya, stale, digest=stale.digest)
    assert not stale.approvals.exists()
    assert not ProgramVersion.objects.filter(
        slug="special-registration-2002", status=VersionStatus.ACTIVE
    ).exists()


def test_a_declined_text_never_takes_effect(deployed: Path, ada: User, priya: User) -> None:
    proposal = services.propose(ada, "us-2025")
    services.decline(priya, proposal, reason="The draft retention period needs a legal basis.")
    proposal.refresh_from_db()
    assert proposal.status == VersionStatus.DECLINED
    with pytest.raises(Conflict, match="Only a proposed text"):
        services.approve(priya, proposal, digest=proposal.digest)
    assert get_program("us-2025").program.version == "2025.1"
    assert program_entries()[-1] == ("declined", "us-2025")


def test_a_file_whose_slug_differs_from_its_name_cannot_be_proposed(
    settings: SettingsWrapper, tmp_path: Path, ada: User
) -> None:
    (tmp_path / "renamed.toml").write_text(US_FILE.read_text())
    settings.REGISTRY_PROGRAMS_DIR = tmp_path
    with pytest.raises(Conflict, match="declares the slug us-2025"):
        services.propose(ada, "renamed")
    with pytest.raises(NotFound):
        services.propose(ada, "missing")
