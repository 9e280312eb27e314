"""Reading the person's rights data: decrypt and log in one step.

Staff read a request's text or evidence for the program's "privacy-request" purpose
(answering the person's own request), the person for "self-access". The subject-access
export opens everything held about the person and is logged as one EXPORT
"subject_access" entry in the same transaction (the forms also log their own reads
through apps.registrations.access)."""

import base64
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.audit import services as audit
from apps.audit.models import Action
from apps.programs.loader import get_program
from apps.registrations.access import SELF_ACCESS, PersonErased
from apps.registrations.casework import ADDRESS_LABEL, NOTE_LABEL, PORT_LABEL
from apps.registrations.models import Person, Registration
from apps.registrations.services import FORM_LABEL
from apps.rights.models import CitizenshipClaim, Complaint, CorrectionRequest, Redress
from apps.vault import services as vault

PRIVACY_REQUEST = "privacy-request"


def _open(person_id: uuid.UUID, label: str, sealed: bytes | memoryview | None) -> Any:
    try:
        return vault.open_json(person_id, label, sealed)
    except vault.KeyDestroyed as exc:
        raise PersonErased("This record was erased; its personal data no longer exists.") from exc


def _owns(user: User, person: Person) -> bool:
    return user.pk in {person.account_id, person.guardian_id}


def _log_read(actor: User, person: Person, object_type: str, object_id: str) -> None:
    if _owns(actor, person):
        purpose, legal_basis = SELF_ACCESS, ""
    else:
        stated = get_program(person.program).purpose(PRIVACY_REQUEST)
        purpose, legal_basis = PRIVACY_REQUEST, stated.legal_basis if stated else ""
    audit.record(
        actor=actor,
        action=Action.READ,
        subject_id=person.id,
        object_type=object_type,
        object_id=object_id,
        purpose=purpose,
        legal_basis=legal_basis,
    )


@transaction.atomic
def read_correction(actor: User, item: CorrectionRequest) -> dict[str, Any]:
    """{"proposed": value, "explanation": text}; logged."""
    from apps.rights.redress import CORRECTION_LABEL

    opened: dict[str, Any] = _open(item.person_id, CORRECTION_LABEL, item.text_sealed)
    _log_read(actor, item.person, "correction", str(item.pk))
    return opened


@transaction.atomic
def read_complaint(actor: User, item: Complaint) -> str:
    from apps.rights.redress import COMPLAINT_LABEL

    text = str(_open(item.person_id, COMPLAINT_LABEL, item.text_sealed))
    _log_read(actor, item.person, "complaint", str(item.pk))
    return text


@transaction.atomic
def read_claim(actor: User, claim: CitizenshipClaim) -> str:
    from apps.rights.services import CLAIM_LABEL

    text = str(_open(claim.person_id, CLAIM_LABEL, claim.text_sealed))
    _log_read(actor, claim.person, "citizenship_claim", str(claim.pk))
    return text


@transaction.atomic
def read_evidence(actor: User, item: Redress | CitizenshipClaim) -> tuple[bytes, str] | None:
    """The uploaded file and its media type, or None when none was sent; logged."""
    if item.evidence_sealed is None:
        return None
    if isinstance(item, CitizenshipClaim):
        from apps.rights.services import CLAIM_EVIDENCE_LABEL as label
    else:
        from apps.rights.redress import EVIDENCE_LABEL as label
    content = base64.b64decode(_open(item.person_id, label, item.evidence_sealed))
    _log_read(actor, item.person, "evidence", str(item.pk))
    return content, item.evidence_type


@transaction.atomic
def read_form_for_correction(actor: User, registration: Registration) -> dict[str, Any]:
    """The form an accepted correction changes; logged as a read for the request."""
    form: dict[str, Any] = _open(registration.person_id, FORM_LABEL, registration.form_sealed)
    _log_read(actor, registration.person, "registration", registration.case_number or "")
    return form


# ------------------------------------------------------------------ subject access


@transaction.atomic
def export_subject_access(user: User, person: Person, *, fmt: str) -> dict[str, Any]:
    """Everything held about the person, decrypted, with the accounting of every read,
    change and disclosure (less what an active law-enforcement hold keeps back).
    Logged as EXPORT "subject_access" in the same transaction."""
    from apps.rights.sections import sections_in_order

    sections = {
        section.key: {"title": str(section.title), "data": section.gather(user, person)}
        for section in sections_in_order()
    }
    audit.record(
        actor=user,
        action=Action.EXPORT,
        subject_id=person.id,
        object_type="subject_access",
        object_id=str(person.id),
        purpose=SELF_ACCESS,
        detail={"format": fmt, "sections": sorted(sections)},
    )
    return {
        "person": str(person.id),
        "program": person.program,
        "generated_at": timezone.now().isoformat(),
        "sections": sections,
    }


def own_records(user: User, person: Person) -> list[dict[str, Any]]:
    """The person's registrations: each form (read through registrations.access, which
    logs it), its history, officer notes and departure. Only for the export."""
    from apps.registrations.access import read_own_form

    records = []
    for registration in person.registrations.order_by("created_at"):
        departure = getattr(registration, "departure", None)
        records.append(
            {
                "case_number": registration.case_number,
                "state": registration.state,
                "program_version": registration.program_version,
                "filed_at": _iso(registration.submitted_at),
                "office": registration.office_code,
                "form": read_own_form(user, registration),
                "history": [
                    {
                        "at": _iso(t.at),
                        "from": t.from_state,
                        "to": t.to_state,
                        "by_role": t.actor_role,
                        "reason": t.reason,
                    }
                    for t in registration.transitions.all()
                ],
                "notes": [
                    {
                        "at": _iso(note.at),
                        "kind": note.kind,
                        "author_role": note.author_role,
                        "text": _open(person.id, NOTE_LABEL, note.text_sealed),
                    }
                    for note in registration.notes.order_by("at")
                ],
                "departure": {
                    "departed_on": departure.departed_on.isoformat(),
                    "port": _open(person.id, PORT_LABEL, departure.port_sealed),
                    "recorded_by_role": departure.recorded_by_role,
                }
                if departure
                else None,
            }
        )
    return records


def own_addresses(user: User, person: Person) -> list[dict[str, Any]]:
    """Reported moves, newest first. Only for the export."""
    return [
        {
            "moved_on": change.moved_on.isoformat(),
            "reported_at": _iso(change.reported_at),
            "late": change.late,
            "address": _open(person.id, ADDRESS_LABEL, change.address_sealed),
        }
        for change in person.address_changes.all()
    ]


def own_requests(user: User, person: Person) -> dict[str, list[dict[str, Any]]]:
    """The person's corrections, complaints and citizenship claims with their
    outcomes and the officer's note. Only for the export."""
    from apps.rights.redress import COMPLAINT_LABEL, CORRECTION_LABEL, NOTE_LABEL
    from apps.rights.services import CLAIM_LABEL

    def decided(item: Redress) -> dict[str, Any]:
        return {
            "id": str(item.pk),
            "filed_at": _iso(item.filed_at),
            "due_on": item.due_on.isoformat(),
            "state": item.state,
            "escalated": item.escalated_at is not None,
            "outcome": item.outcome,
            "reason": item.reason_code,
            "decided_at": _iso(item.decided_at),
            "note": _open(person.id, NOTE_LABEL, item.note_sealed) if item.note_sealed else "",
            "evidence": item.evidence_type or None,
        }

    corrections = CorrectionRequest.objects.filter(person=person).order_by("filed_at")
    complaints = Complaint.objects.filter(person=person).order_by("filed_at")
    claims = CitizenshipClaim.objects.filter(person=person).order_by("recorded_at")
    return {
        "corrections": [
            {
                **decided(c),
                "field": c.field_name,
                **_open(person.id, CORRECTION_LABEL, c.text_sealed),
            }
            for c in corrections
        ],
        "complaints": [
            {**decided(c), "text": _open(person.id, COMPLAINT_LABEL, c.text_sealed)}
            for c in complaints
        ],
        "citizenship_claims": [
            {
                "id": str(c.pk),
                "recorded_at": _iso(c.recorded_at),
                "recorded_by_role": c.recorded_by_role,
                "state": c.state,
                "reason": c.reason_code,
                "statement": _open(person.id, CLAIM_LABEL, c.text_sealed),
            }
            for c in claims
        ],
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
