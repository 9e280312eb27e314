"""Reading personal data: decrypt and log in one step, so no read goes unrecorded.

Nothing else in the code base opens a registration form. The registrant reading their
own record is logged too (with purpose "self-access"), so their access log is complete.
"""

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit import services as audit
from apps.audit.models import Action, AuditEntry
from apps.programs.loader import get_program
from apps.programs.schema import Purpose
from apps.registrations.casework import ADDRESS_LABEL, NOTE_LABEL, office_of
from apps.registrations.models import AddressChange, BlindIndexEntry, Person, Registration
from apps.registrations.services import FORM_LABEL
from apps.vault import services as vault
from registry.errors import DomainError, FormInvalid

SELF_ACCESS = "self-access"


class PersonErased(DomainError):
    code = "erased"
    status = 410


@dataclass(frozen=True)
class StatedPurpose:
    """Why a member of staff reads a record: a purpose from the program's list and,
    where the program demands one, a reference (case file, court order number)."""

    code: str
    reference: str = ""


@transaction.atomic
def read_own_form(user: User, registration: Registration) -> dict[str, Any]:
    """The registrant (or the guardian who filed) reads the answers they gave."""
    return _open_and_log(user, registration, purpose=SELF_ACCESS, legal_basis="", reference="")


@transaction.atomic
def read_person(actor: User, person: Person, purpose: StatedPurpose) -> list[dict[str, Any]]:
    """A member of staff reads a person's registrations for a stated purpose.

    Raises FormInvalid when the purpose is not one the program allows, or a required
    reference is missing; the refusal reads nothing and logs nothing."""
    allowed = allowed_purpose(person, purpose)
    return [
        {
            "case_number": registration.case_number,
            "state": registration.state,
            "for_child": registration.for_child,
            "form": _open_and_log(
                actor,
                registration,
                purpose=allowed.code,
                legal_basis=allowed.legal_basis,
                reference=purpose.reference.strip()[:200],
            ),
        }
        for registration in person.registrations.order_by("created_at")
    ]


def allowed_purpose(
    person: Person | None, purpose: StatedPurpose, *, looking_at_log: bool = False
) -> Purpose:
    """The program's purpose entry, or FormInvalid: an unknown purpose or a missing
    reference reads nothing and logs nothing. An audit-only purpose serves a look at
    the person's entries in the log (`looking_at_log`), never a read of the record.
    Without a person (a log entry about someone no longer in the register), the
    default program's purposes apply."""
    program = get_program(person.program if person else settings.REGISTRY_DEFAULT_PROGRAM)
    allowed = program.purpose(purpose.code)
    if allowed is None or (allowed.audit_only and not looking_at_log):
        codes = ", ".join(p.code for p in program.purposes if looking_at_log or not p.audit_only)
        raise FormInvalid(
            _("Choose a purpose the program allows: %(codes)s.") % {"codes": codes},
            fields={"purpose": [_("Unknown purpose.")]},
        )
    if allowed.requires_reference and not purpose.reference.strip():
        raise FormInvalid(
            _("This purpose needs a reference (for example the court order number)."),
            fields={"reference": [_("Required for this purpose.")]},
        )
    return allowed


def _open_and_log(
    actor: User, registration: Registration, *, purpose: str, legal_basis: str, reference: str
) -> dict[str, Any]:
    form: dict[str, Any] = _open(registration, FORM_LABEL, registration.form_sealed)
    _log_read(actor, registration, "registration", purpose, legal_basis, reference)
    return form


@transaction.atomic
def read_card_name(actor: User, registration: Registration, purpose: StatedPurpose | None) -> str:
    """The name printed on a proof of registration (given and family names only), for
    the registrant themself (`purpose` None) or for a purpose the program allows;
    logged as a read of "proof-name"."""
    allowed = allowed_purpose(registration.person, purpose) if purpose else None
    form = _open(registration, FORM_LABEL, registration.form_sealed) or {}
    _log_read(
        actor,
        registration,
        "proof-name",
        allowed.code if allowed else SELF_ACCESS,
        allowed.legal_basis if allowed else "",
        purpose.reference.strip()[:200] if purpose else "",
    )
    program = get_program(registration.program)
    names = [program.form.field_with_meaning(m) for m in ("given_name", "family_name")]
    return " ".join(str(form.get(f.name, "")).strip() for f in names if f).strip()


@transaction.atomic
def read_case_notes(
    actor: User, registration: Registration, purpose: StatedPurpose
) -> list[dict[str, Any]]:
    """Officer notes on a case, for a purpose the program allows; logged like any read."""
    allowed = allowed_purpose(registration.person, purpose)
    notes = list(registration.notes.order_by("at"))
    if not notes:
        return []
    opened = [
        {
            "at": note.at,
            "kind": note.kind,
            "author_role": note.author_role,
            "text": _open(registration, NOTE_LABEL, note.text_sealed),
        }
        for note in notes
    ]
    _log_read(
        actor,
        registration,
        "case-notes",
        allowed.code,
        allowed.legal_basis,
        purpose.reference.strip()[:200],
    )
    return opened


@dataclass(frozen=True)
class ReportedMove:
    """One reported change of address: when, how late (more than the reporting period
    after the move), by whom, and the address when it was opened for a purpose."""

    moved_on: dt.date
    reported_at: dt.datetime
    late: bool
    days_to_report: int
    reported_by_role: str
    address: dict[str, Any] | None = None


def moves_of(person: Person, *, addresses: dict[int, Any] | None = None) -> list[ReportedMove]:
    """The person's reported moves, newest first: dates and lateness are kept in clear
    (the 10-day rule needs them), so listing them reads nothing sealed."""
    changes = AddressChange.objects.filter(person=person).select_related("reported_by")
    return [
        ReportedMove(
            moved_on=change.moved_on,
            reported_at=change.reported_at,
            late=change.late,
            days_to_report=(timezone.localdate(change.reported_at) - change.moved_on).days,
            reported_by_role=change.reported_by.role if change.reported_by else "",
            address=(addresses or {}).get(change.pk),
        )
        for change in changes
    ]


@transaction.atomic
def read_addresses(
    actor: User, registration: Registration, purpose: StatedPurpose
) -> list[ReportedMove]:
    """Every address the person reported after filing, newest first (the current one
    first), for a purpose the program allows; one logged read of "address" when there
    is any. Raises FormInvalid like `read_person`, PersonErased when the key is gone."""
    allowed = allowed_purpose(registration.person, purpose)
    sealed = dict(
        AddressChange.objects.filter(person_id=registration.person_id).values_list(
            "pk", "address_sealed"
        )
    )
    if not sealed:
        return []
    addresses = {pk: _open(registration, ADDRESS_LABEL, value) for pk, value in sealed.items()}
    _log_read(
        actor,
        registration,
        "address",
        allowed.code,
        allowed.legal_basis,
        purpose.reference.strip()[:200],
    )
    return moves_of(registration.person, addresses=addresses)


def _open(registration: Registration, label: str, sealed: bytes | memoryview | None) -> Any:
    try:
        return vault.open_json(registration.person_id, label, sealed)
    except vault.KeyDestroyed as exc:
        raise PersonErased(
            _("This record was erased; its personal data no longer exists.")
        ) from exc


def _log_read(  # noqa: PLR0917 - private; the read's who, what and why, in that order
    actor: User,
    registration: Registration,
    object_type: str,
    purpose: str,
    legal_basis: str,
    reference: str,
) -> None:
    audit.record(
        actor=actor,
        action=Action.READ,
        subject_id=registration.person_id,
        object_type=object_type,
        object_id=registration.case_number or str(registration.id),
        purpose=purpose,
        legal_basis=legal_basis,
        reference=reference,
        detail=office_of(actor, registration),
    )


def persons_of(user: User) -> QuerySet[Person]:
    """The people whose records `user` may see as their own: themselves and the
    children they filed for."""
    return Person.objects.filter(Q(account=user) | Q(guardian=user))


def access_log_for(user: User) -> QuerySet[AuditEntry]:
    """Every audit entry about the user and the children they filed for, except those
    a supervisor's law-enforcement hold keeps back while it lasts (apps.rights)."""
    from apps.rights.services import hidden_entries_among  # rights builds on this app

    person_ids = list(persons_of(user).values_list("id", flat=True))
    entries = audit.entries_about(person_ids)
    hidden = hidden_entries_among(person_ids)
    return entries.exclude(pk__in=hidden) if hidden else entries


# Apps that keep data derived from a person outside their encrypted fields (biometric
# indexes, cached proofs) register a function here; `erase_person` calls each one with
# the person's id inside its transaction, so an erasure removes everything or nothing.
ERASURE_HOOKS: list[Callable[[uuid.UUID], None]] = []


@transaction.atomic
def erase_person(actor: User, person_id: uuid.UUID, *, reason: str) -> bool:
    """Crypto-shred a person: destroy their data key and the blind indexes derived
    from their data. Leaves the case shells and a log entry without personal data.
    Returns False when the person was already erased (idempotent)."""
    destroyed = vault.destroy_subject_key(person_id)
    BlindIndexEntry.objects.filter(person_id=person_id).delete()
    for hook in ERASURE_HOOKS:
        hook(person_id)
    if destroyed:
        audit.record(
            actor=actor,
            action=Action.KEY_DESTROYED,
            subject_id=person_id,
            object_type="person",
            object_id=str(person_id),
            detail={"reason": reason[:64]},
        )
    return destroyed
