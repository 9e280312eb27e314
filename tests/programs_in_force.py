"""The shipped programs in force in every test database, as if two privacy officers had
approved them.

The running system uses only approved program texts (apps.programs.loader.get_program).
Tests of everything else need the shipped programs in force, so the test database is
seeded with them once per session (and again after a transactional test empties it).
The rows are written directly, as test data: the approval workflow itself — proposer,
two other privacy officers, the exact digest, the re-check, the audit entries — is
tested through apps.programs.services in apps/programs/tests/test_activation.py. The
seed writes no audit entry, so tests that count entries see only their own, and its
officers are inactive accounts, so they receive no mail and cannot sign in.
"""

from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import Role
from apps.programs.loader import check_program_file
from apps.programs.models import ProgramApproval, ProgramVersion, VersionStatus
from apps.programs.services import digest_of

SHIPPED_DIR = Path(settings.BASE_DIR) / "programs"

_OFFICERS = (
    ("seed-proposer@registry.test", Role.ADMIN),
    ("seed-approver-1@registry.test", Role.PRIVACY_OFFICER),
    ("seed-approver-2@registry.test", Role.PRIVACY_OFFICER),
)


def _officers() -> list[User]:
    found = []
    for email, role in _OFFICERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                username=email, email=email, password=None, role=role.value, is_active=False
            )
        found.append(user)
    return found


def put_in_force(paths: Iterable[Path]) -> None:
    """Each file's current text becomes the version in force of its program (a no-op
    for a text already in force)."""
    proposer, *approvers = _officers()
    now = timezone.now()
    for path in paths:
        text = path.read_text(encoding="utf-8")
        digest = digest_of(text)
        program = check_program_file(path).program
        versions = ProgramVersion.objects.filter(slug=program.slug)
        if versions.filter(status=VersionStatus.ACTIVE, digest=digest).exists():
            continue
        versions.filter(status=VersionStatus.ACTIVE).update(
            status=VersionStatus.SUPERSEDED, in_force_until=now
        )
        versions.filter(status=VersionStatus.PROPOSED).update(status=VersionStatus.DECLINED)
        version = ProgramVersion.objects.create(
            slug=program.slug,
            version=program.program.version,
            kind=str(program.program.kind),
            title=program.text(program.program.title, "en"),
            text=text,
            digest=digest,
            status=VersionStatus.ACTIVE,
            proposed_by=proposer,
            in_force_from=now,
        )
        for approver in approvers:
            ProgramApproval.objects.create(version=version, approver=approver, digest=digest)


def put_shipped_in_force() -> None:
    put_in_force(sorted(SHIPPED_DIR.glob("*.toml")))


def shipped_in_force() -> bool:
    return ProgramVersion.objects.filter(status=VersionStatus.ACTIVE).exists()
