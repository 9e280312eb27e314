"""Read-only views of program versions: the console's list of files and proposals, and
the public register of every version ever in force."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import Prefetch

from apps.programs.errors import ProgramError
from apps.programs.loader import check_program_file, program_files
from apps.programs.models import ProgramApproval, ProgramVersion, VersionStatus
from apps.programs.services import digest_of


@dataclass(frozen=True)
class FileRow:
    """A file in REGISTRY_PROGRAMS_DIR, what the check says of it, and its state."""

    slug: str
    path: Path
    digest: str
    version: str
    error: ProgramError | None
    warnings: int
    state: str  # "in force", "proposed", "not proposed"
    proposal: ProgramVersion | None


def file_rows() -> list[FileRow]:
    rows = []
    for path in program_files():
        text = path.read_text(encoding="utf-8")
        digest = digest_of(text)
        try:
            checked = check_program_file(path)
        except ProgramError as error:
            rows.append(FileRow(path.stem, path, digest, "", error, 0, "refused", None))
            continue
        versions = {
            v.status: v for v in ProgramVersion.objects.filter(slug=path.stem, digest=digest)
        }
        state = (
            "in force"
            if VersionStatus.ACTIVE in versions
            else "proposed"
            if VersionStatus.PROPOSED in versions
            else "not proposed"
        )
        rows.append(
            FileRow(
                checked.program.slug,
                path,
                digest,
                checked.program.program.version,
                None,
                len(checked.warnings),
                state,
                versions.get(VersionStatus.PROPOSED),
            )
        )
    return rows


def _with_approvals() -> Prefetch:
    return Prefetch("approvals", queryset=ProgramApproval.objects.select_related("approver"))


def versions(*statuses: str) -> list[ProgramVersion]:
    return list(
        ProgramVersion.objects.filter(status__in=statuses)
        .select_related("proposed_by", "declined_by")
        .prefetch_related(_with_approvals())
        .order_by("slug", "-proposed_at")
    )


def public_name(user: Any) -> str:
    """How an official appears on the public page: their name, or their role and
    account number when no name is recorded (never an e-mail address)."""
    name = user.get_full_name().strip()
    return name or f"{user.role_enum.label} #{user.pk}"


def public_register() -> list[dict[str, Any]]:
    """Every version ever in force (in force now, or superseded), newest first per
    program: slug, title, version, kind, digest, approvers, dates. Nothing about anyone
    but the officials who approved."""
    register = []
    for version in versions(VersionStatus.ACTIVE, VersionStatus.SUPERSEDED):
        register.append(
            {
                "slug": version.slug,
                "title": version.title,
                "version": version.version,
                "kind": version.kind,
                "digest": version.digest,
                "in_force": version.status == VersionStatus.ACTIVE,
                "in_force_from": version.in_force_from,
                "in_force_until": version.in_force_until,
                "approvers": [
                    {"name": public_name(a.approver), "at": a.approved_at}
                    for a in version.approvals.all()
                ],
            }
        )
    return register
