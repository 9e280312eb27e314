"""Putting a program in force: proposed from its file, approved by two privacy officers.

Four eyes, published: whoever proposes a file (a privacy officer or the administrator
who deployed it) cannot approve it; two different privacy officers each approve the
exact digest they read; the check runs again at every approval, so a file the check now
refuses (a rule was added since it was proposed) never takes effect. The second approval
puts the version in force and supersedes the one before it. Every step is audited, and
every version ever in force is public (apps.programs.queries.public_register).
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.permissions import Permission
from apps.audit import services as audit
from apps.audit.models import Action
from apps.programs.errors import ProgramError
from apps.programs.loader import SLUG, Checked, check_program_text
from apps.programs.models import APPROVALS_NEEDED, ProgramApproval, ProgramVersion, VersionStatus
from registry.errors import Conflict, DomainError, NotAllowed, NotFound


class ProgramRefused(DomainError):
    """The file does not pass the check (or is not valid): it cannot be proposed or
    approved. The message is the check's, with the rule, element and line."""

    code = "program_refused"
    status = 422

    def __init__(self, error: ProgramError) -> None:
        super().__init__(str(error))
        self.error = error


def digest_of(text: str) -> str:
    """SHA-256 of the file's UTF-8 bytes: what an approver confirms having read."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def program_path(slug: str) -> Path:
    if not SLUG.fullmatch(slug):
        raise NotFound(_("%(slug)s is not a program slug.") % {"slug": slug})
    return Path(settings.REGISTRY_PROGRAMS_DIR) / f"{slug}.toml"


def _record(actor: User, action: Action, version: ProgramVersion, outcome: str) -> None:
    audit.record(
        actor=actor,
        action=action,
        subject_id=None,
        object_type="program",
        object_id=version.slug,
        detail={"version": version.version, "digest": version.digest, "outcome": outcome},
    )


@transaction.atomic
def propose(actor: User, slug: str) -> ProgramVersion:
    """Propose the file ``REGISTRY_PROGRAMS_DIR/<slug>.toml`` as it is now.

    Proposing the same text again returns the same proposal. Raises ProgramRefused when
    the check refuses the file, Conflict when that text is already in force or another
    proposal for the program awaits approval, NotAllowed without the permission."""
    if not actor.has_registry_permission(Permission.PROGRAM_PROPOSE):
        raise NotAllowed(_("Your role may not propose programs."))
    path = program_path(slug)
    try:
        text = path.read_text(encoding="utf-8")  # read once: what is checked is what is stored
    except (OSError, UnicodeDecodeError) as error:
        raise NotFound(_("There is no readable program file %(path)s.") % {"path": path}) from error
    try:
        checked = check_program_text(text, source=str(path))
    except ProgramError as error:
        raise ProgramRefused(error) from error
    if checked.program.slug != slug:
        raise Conflict(
            _("The file %(path)s declares the slug %(declared)s: rename one of them.")
            % {"path": path.name, "declared": checked.program.slug}
        )
    digest = digest_of(text)
    current = ProgramVersion.objects.select_for_update().filter(
        slug=slug, status__in=[VersionStatus.PROPOSED, VersionStatus.ACTIVE]
    )
    for version in current:
        if version.digest == digest:
            if version.status == VersionStatus.ACTIVE:
                raise Conflict(_("This text of %(slug)s is already in force.") % {"slug": slug})
            return version
        if version.status == VersionStatus.PROPOSED:
            raise Conflict(
                _(
                    "Another text of %(slug)s (%(digest)s) awaits approval: approve or "
                    "decline it first."
                )
                % {"slug": slug, "digest": version.digest[:12]}
            )
    version = ProgramVersion.objects.create(
        slug=slug,
        version=checked.program.program.version,
        kind=str(checked.program.program.kind),
        title=checked.program.text(checked.program.program.title, "en")[:300],
        text=text,
        digest=digest,
        warnings=[w.as_dict() for w in checked.warnings],
        proposed_by=actor,
    )
    _record(actor, Action.CREATE, version, "proposed")
    return version


def recheck(version: ProgramVersion) -> Checked:
    """The check, run again on the stored text (the rules may have changed since)."""
    try:
        checked = check_program_text(version.text, source=f"{version.slug}@{version.digest[:12]}")
    except ProgramError as error:
        raise ProgramRefused(error) from error
    if checked.program.slug != version.slug:
        raise Conflict(_("The stored text declares another slug."))
    return checked


@transaction.atomic
def approve(actor: User, version: ProgramVersion, *, digest: str) -> ProgramVersion:
    """One privacy officer approves the exact text whose SHA-256 is ``digest``; the
    second approval puts it in force and supersedes the version before it.

    Raises NotAllowed (not a privacy officer, the proposer, or a second approval by the
    same officer), Conflict (not awaiting approval, or the digest is not this text's),
    and ProgramRefused (the check refuses the text now)."""
    if not actor.has_registry_permission(Permission.PROGRAM_APPROVE):
        raise NotAllowed(_("Only a privacy officer may approve a program."))
    locked = ProgramVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != VersionStatus.PROPOSED:
        raise Conflict(
            _("Only a proposed text can be approved; this one is %(status)s.")
            % {"status": locked.get_status_display()}
        )
    if digest.strip().lower() != locked.digest:
        raise Conflict(
            _(
                "The digest you confirmed (%(given)s) is not the digest of this text "
                "(%(digest)s): read the text shown and confirm its digest."
            )
            % {"given": digest.strip()[:64] or "-", "digest": locked.digest}
        )
    if locked.proposed_by_id == actor.pk:
        raise NotAllowed(_("You proposed this text: two other privacy officers must approve it."))
    if locked.approvals.filter(approver=actor).exists():
        raise NotAllowed(_("You approved this text already: a second privacy officer must."))
    recheck(locked)
    ProgramApproval.objects.create(version=locked, approver=actor, digest=locked.digest)
    _record(actor, Action.DECIDE, locked, "approved")
    if locked.approvals.count() >= APPROVALS_NEEDED:
        _put_in_force(actor, locked)
    return locked


def _put_in_force(actor: User, version: ProgramVersion) -> None:
    now = timezone.now()
    for previous in ProgramVersion.objects.select_for_update().filter(
        slug=version.slug, status=VersionStatus.ACTIVE
    ):
        previous.status = VersionStatus.SUPERSEDED
        previous.in_force_until = now
        previous.save(update_fields=["status", "in_force_until"])
        _record(actor, Action.UPDATE, previous, "superseded")
    version.status = VersionStatus.ACTIVE
    version.in_force_from = now
    version.save(update_fields=["status", "in_force_from"])
    _record(actor, Action.UPDATE, version, "in_force")


@transaction.atomic
def decline(actor: User, version: ProgramVersion, *, reason: str) -> ProgramVersion:
    """A privacy officer declines a proposed text, saying why; it never takes effect."""
    if not actor.has_registry_permission(Permission.PROGRAM_APPROVE):
        raise NotAllowed(_("Only a privacy officer may decline a program."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the text is declined."), fields={"reason": [_("Required.")]})
    locked = ProgramVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != VersionStatus.PROPOSED:
        raise Conflict(_("Only a proposed text can be declined."))
    locked.status = VersionStatus.DECLINED
    locked.declined_by = actor
    locked.declined_at = timezone.now()
    locked.decline_reason = reason[:500]
    locked.save(update_fields=["status", "declined_by", "declined_at", "decline_reason"])
    _record(actor, Action.DECIDE, locked, "declined")
    return locked
