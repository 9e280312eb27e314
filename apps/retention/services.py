"""Expungement: the one way a person's record is destroyed for good.

`expunge_person` crypto-shreds the person (registrations.access.erase_person: the data
key, the blind indexes and every app's ERASURE_HOOKS: biometric templates, cached
proofs), cuts what is readable without the key (`shells.cut_links`), signs a receipt,
logs EXPUNGE "person" with the ground (no personal data) and journals the receipt
outside the database, all in one transaction. `replay_journal` re-applies the journal
to a database restored from a backup. Retention runs live in `runs.py`.
"""

import uuid
from dataclasses import dataclass, field
from typing import Any, cast, get_args

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit import services as audit
from apps.audit.models import Action
from apps.audit.services import SYSTEM, SystemActor
from apps.programs.loader import get_program
from apps.programs.schema import ExpungementGround
from apps.registrations import access
from apps.registrations.models import Person
from apps.retention import journal, shells
from apps.retention.models import Expungement, RetentionRun
from apps.retention.receipts import ExpungementReceipt, sign_receipt
from apps.vault.models import SigningKey, SubjectKey
from registry.errors import DomainError, FormInvalid

Actor = User | SystemActor

IMMEDIATE_GROUNDS: tuple[str, ...] = get_args(ExpungementGround)
# A registry has no mandate over citizens, and a court outranks a program file: these
# apply to every program, listed in its file or not.
ALWAYS_GROUNDS = frozenset({"citizenship-confirmed", "court-order"})
# The grounds of the daily retention rules (rules.py), one per kind of case.
RETENTION_GROUNDS = (
    "retention-draft",
    "retention-withdrawn",
    "retention-rejected",
    "retention-departed",
    "retention-inactive",
)


class PersonNotFound(DomainError):
    code = "person_not_found"
    status = 404


class GroundNotAllowed(FormInvalid):
    code = "ground_not_allowed"


def allowed_grounds(program_slug: str) -> list[str]:
    """The grounds a privacy officer may give for this program's records."""
    listed = set(get_program(program_slug).retention.expunge_on) | ALWAYS_GROUNDS
    return [g for g in IMMEDIATE_GROUNDS if g in listed]


def expunge_person(
    actor: Actor, person_id: uuid.UUID, *, ground: str, run: RetentionRun | None = None
) -> ExpungementReceipt:
    """Expunge a person for good and return the signed receipt.

    Idempotent: a person already expunged gets their first receipt back and nothing is
    written (unless a restored backup brought their key back: it is destroyed again).
    Raises PersonNotFound for an unknown id and GroundNotAllowed for a ground that is
    not one of the program's `expunge_on` grounds (or an always-allowed one); a
    retention rule's ground (`retention-…`) is accepted only within a retention `run`.
    Alone, a plain VACUUM of the key table follows the commit; within a run, the run
    rewrites the table at its end."""
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(pk=person_id).first()
        if person is None:
            raise PersonNotFound(_("No person has this id."))
        done = Expungement.objects.filter(person_id=person_id).first()
        if done is not None:
            receipt = receipt_of(done)
            if _key_alive(person_id):  # a restored backup that was not replayed yet
                done.delete()
                _apply(actor, receipt, run=run, replayed=True)
            return receipt
        # A retention rule's ground is the rules' finding (runs.py), never a caller's.
        by_rule = ground in RETENTION_GROUNDS and run is not None
        if not by_rule and ground not in allowed_grounds(person.program):
            choices = ", ".join(allowed_grounds(person.program))
            raise GroundNotAllowed(
                _("Give one of the program's grounds for expungement: %(grounds)s.")
                % {"grounds": choices},
                fields={"ground": [_("Not a ground of this program.")]},
            )
        receipt = sign_receipt(person_id, ground, timezone.now())
        _apply(actor, receipt, run=run)
        journal.append(receipt)  # last: never committed without its journal line
    if run is None:
        transaction.on_commit(shells.compact_after_commit)
    return receipt


def _apply(
    actor: Actor, receipt: ExpungementReceipt, *, run: RetentionRun | None, replayed: bool = False
) -> None:
    """Shred, cut the links, keep the receipt and log it; in the caller's transaction."""
    shells.secure_delete_on()
    # erase_person is typed for staff; the audit log takes the system actor as well.
    access.erase_person(cast(User, actor), receipt.person_id, reason=receipt.ground)
    shells.cut_links(receipt.person_id, retire_own_account=receipt.ground in IMMEDIATE_GROUNDS)
    Expungement.objects.create(
        receipt_id=receipt.receipt_id,
        person_id=receipt.person_id,
        ground=receipt.ground,
        at=receipt.at,
        kid=receipt.kid,
        signature=receipt.signature,
        actor_role=actor.role,
        run=run,
    )
    detail: dict[str, Any] = {"ground": receipt.ground, "receipt": str(receipt.receipt_id)}
    if replayed:
        detail["replayed"] = True
    audit.record(
        actor=actor,
        action=Action.EXPUNGE,
        subject_id=receipt.person_id,
        object_type="person",
        object_id=str(receipt.person_id),
        detail=detail,
    )


def receipt_of(row: Expungement) -> ExpungementReceipt:
    return ExpungementReceipt(
        receipt_id=row.receipt_id,
        person_id=row.person_id,
        ground=row.ground,
        at=row.at,
        kid=row.kid,
        signature=row.signature,
    )


def _key_alive(person_id: uuid.UUID) -> bool:
    return SubjectKey.objects.filter(subject_id=person_id, wrapped_key__isnull=False).exists()


def is_expunged(person_id: uuid.UUID) -> bool:
    return Expungement.objects.filter(person_id=person_id).exists()


@dataclass
class ReplayReport:
    applied: int = 0  # expungements the restored database did not have yet
    already: int = 0  # already in the database
    absent: int = 0  # the person is not in this database (the backup predates them)
    unverified: list[int] = field(default_factory=list)  # journal line numbers
    malformed: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unverified and not self.malformed


def replay_journal(*, accept_unknown_keys: bool = False, progress: Any = None) -> ReplayReport:
    """Re-apply every journalled expungement to this database (after a restore).

    Each line's signature is checked against the database's "receipt" keys; a line
    that does not verify is not applied and is reported (tampering, or a key made after
    the backup: with `accept_unknown_keys` a line signed by a key id this database does
    not know is applied, after the operator has checked the key id against the published
    keys). A malformed line (a torn last line) is reported. Idempotent."""
    report = ReplayReport()
    lines = list(journal.read())
    for index, line in enumerate(lines, start=1):
        receipt = line.receipt
        if receipt is None:
            report.malformed.append(line.number)
        elif not receipt.verify() and not (
            accept_unknown_keys
            and not SigningKey.objects.filter(purpose="receipt", kid=receipt.kid).exists()
        ):
            report.unverified.append(line.number)
        else:
            outcome = _replay_one(receipt)
            setattr(report, outcome, getattr(report, outcome) + 1)
        if progress:
            progress(index, len(lines))
    with transaction.atomic():
        audit.record(
            actor=SYSTEM,
            action=Action.UPDATE,
            subject_id=None,
            object_type="expungement_journal",
            detail={
                "applied": report.applied,
                "already": report.already,
                "absent": report.absent,
                "unverified": len(report.unverified),
                "malformed": len(report.malformed),
            },
        )
    if report.applied:
        transaction.on_commit(lambda: shells.compact_after_commit(full=True))
    return report


def _replay_one(receipt: ExpungementReceipt) -> str:
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(pk=receipt.person_id).first()
        if person is None:
            return "absent"
        if is_expunged(receipt.person_id) and not _key_alive(receipt.person_id):
            return "already"
        Expungement.objects.filter(person_id=receipt.person_id).delete()
        _apply(SYSTEM, receipt, run=None, replayed=True)
        return "applied"
