"""Corrections and complaints: filed by the person, decided by an officer within the
program's deadline ([redress] in the program file), escalated to the privacy officer
when the deadline passes.

Every write runs in one transaction with its audit entry (conventions: CREATE / DECIDE
"correction" or "complaint", UPDATE "escalation"). Details carry field names and
codes only, never values.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit import services as audit
from apps.audit.models import Action
from apps.programs.loader import get_program
from apps.programs.schema import FieldType
from apps.registrations.models import BlindIndexEntry, CaseState, Person, Registration
from apps.registrations.services import FORM_LABEL, _index_entries
from apps.registrations.validation import validate_form
from apps.rights import access
from apps.rights.evidence import Evidence
from apps.rights.models import Complaint, CorrectionRequest, Outcome, Redress, RedressState
from apps.rights.reasons import REDRESS_REASONS
from apps.rights.services import MAX_TEXT, _sealed_evidence
from apps.vault import services as vault
from registry.errors import Conflict, FormInvalid

CORRECTION_LABEL = "rights.correction"
COMPLAINT_LABEL = "rights.complaint"
EVIDENCE_LABEL = "rights.evidence"
NOTE_LABEL = "rights.decision-note"
# Fields whose correction goes through its own path: a move is reported as an address
# change (with its 10-day rule), not rewritten into the history.
NOT_CORRECTABLE = frozenset({FieldType.ADDRESS_HISTORY})


class CorrectionAlreadyOpen(Conflict):
    code = "correction_already_open"


def correctable_fields(registration: Registration) -> list[tuple[str, str]]:
    """(name, label in the active language) of the form fields a person may ask to
    correct."""
    from django.utils.translation import get_language

    program = get_program(registration.program)
    language = get_language() or "en"
    return [
        (f.name, program.text(f.label, language))
        for f in program.form.fields()
        if f.type not in NOT_CORRECTABLE
    ]


def _check_text(text: str, field: str) -> str:
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise FormInvalid(
            _("At most %(limit)d characters.") % {"limit": MAX_TEXT},
            fields={field: [_("Too long.")]},
        )
    return text


def _clean_value(registration: Registration, field_name: str, value: Any) -> Any:
    """The value as the form stores it, checked like a draft's answer; FormInvalid
    for an unknown field, one that cannot be corrected here, or a bad value."""
    program = get_program(registration.program)
    spec = program.form.field(field_name)
    if spec is None or spec.type in NOT_CORRECTABLE:
        raise FormInvalid(
            _("Choose a field of your form (a move is reported as an address change)."),
            fields={"field_name": [_("Not a field that can be corrected here.")]},
        )
    clean = validate_form(
        program,
        {field_name: value},
        partial=True,
        for_child=registration.for_child,
        today=timezone.localdate(),
    )
    if field_name not in clean and spec.required:
        raise FormInvalid(
            _("Give the corrected value."), fields={"proposed_value": [_("Required.")]}
        )
    return clean.get(field_name)


@transaction.atomic
def request_correction(
    user: User,
    registration: Registration,
    *,
    field_name: str,
    proposed_value: Any,
    explanation: str,
    evidence: Evidence | None,
    language: str,
) -> CorrectionRequest:
    """The person asks for one field of a filed form to be corrected. The deadline is
    the program's `redress.correction_days` from today. FormInvalid for an unknown
    field or a bad value; Conflict for a draft (edit it instead) or when a request for
    the same field is still open. Nothing is written then."""
    if registration.state == CaseState.DRAFT:
        raise Conflict(_("This is still a draft: change the answer on the form itself."))
    try:
        value = _clean_value(registration, field_name, proposed_value)
    except FormInvalid as error:
        fields = {("proposed_value" if k == field_name else k): v for k, v in error.fields.items()}
        raise FormInvalid(error.message, fields=fields) from error
    person_id = registration.person_id
    # One open request per field: a double click or a retry does not file twice.
    Person.objects.select_for_update().filter(pk=person_id).first()
    if CorrectionRequest.objects.filter(
        person_id=person_id, field_name=field_name, state=RedressState.OPEN
    ).exists():
        raise CorrectionAlreadyOpen(
            _("A request to correct this answer is already open; wait for its outcome.")
        )
    program = get_program(registration.program)
    item = CorrectionRequest.objects.create(
        person_id=person_id,
        registration=registration,
        field_name=field_name,
        filed_by=user,
        language=language[:8],
        text_sealed=vault.seal_json(
            person_id,
            CORRECTION_LABEL,
            {"proposed": value, "explanation": _check_text(explanation, "explanation")},
        ),
        due_on=timezone.localdate() + dt.timedelta(days=program.redress.correction_days),
        **_sealed_evidence(person_id, EVIDENCE_LABEL, evidence),
    )
    _log(user, Action.CREATE, item, field=field_name, evidence=evidence is not None)
    return item


@transaction.atomic
def file_complaint(
    user: User,
    registration: Registration,
    *,
    text: str,
    evidence: Evidence | None,
    language: str,
) -> Complaint:
    """The person complains about how their record or case was handled; decided
    within the program's `redress.complaint_days`. FormInvalid for an empty text."""
    text = _check_text(text, "text")
    if not text:
        raise FormInvalid(_("Say what went wrong."), fields={"text": [_("Required.")]})
    program = get_program(registration.program)
    item = Complaint.objects.create(
        person_id=registration.person_id,
        registration=registration,
        filed_by=user,
        language=language[:8],
        text_sealed=vault.seal_json(registration.person_id, COMPLAINT_LABEL, text),
        due_on=timezone.localdate() + dt.timedelta(days=program.redress.complaint_days),
        **_sealed_evidence(registration.person_id, EVIDENCE_LABEL, evidence),
    )
    _log(user, Action.CREATE, item, evidence=evidence is not None)
    return item


def _check_decision(outcome: str, reason_code: str) -> Outcome:
    try:
        chosen = Outcome(outcome)
    except ValueError:
        raise FormInvalid(
            _("Choose accepted, partly or refused."), fields={"outcome": [_("Required.")]}
        ) from None
    fits = REDRESS_REASONS.get(reason_code)
    if fits is None or chosen not in fits[1]:
        codes = sorted(c for c, (_label, outcomes) in REDRESS_REASONS.items() if chosen in outcomes)
        raise FormInvalid(
            _("Give one of these reasons: %(codes)s.") % {"codes": ", ".join(codes)},
            fields={"reason_code": [_("A reason the person can read is required.")]},
        )
    return chosen


def _lock_open(model: type[Redress], item: Redress, outcome: Outcome) -> Redress | None:
    """The locked row, or None when it was already decided the same way (a retry)."""
    locked = model.objects.select_for_update().get(pk=item.pk)  # type: ignore[attr-defined]
    if locked.state == RedressState.OPEN:
        return locked
    if locked.outcome == outcome:
        return None
    raise Conflict(_("This request was already decided."))


@transaction.atomic
def decide_correction(
    actor: User,
    item: CorrectionRequest,
    *,
    outcome: str,
    reason_code: str,
    corrected_value: Any = None,
    note: str = "",
) -> CorrectionRequest:
    """Accept (the proposed value goes into the form), partly accept (the officer's
    `corrected_value` goes in) or refuse. The form is re-sealed and its blind indexes
    rebuilt when the field feeds one; the UPDATE entry names the field, never a value.
    FormInvalid for a reason that does not fit the outcome or a bad value."""
    chosen = _check_decision(outcome, reason_code)
    locked = _lock_open(CorrectionRequest, item, chosen)
    if locked is None:
        return CorrectionRequest.objects.get(pk=item.pk)
    assert isinstance(locked, CorrectionRequest)  # noqa: S101
    if chosen is not Outcome.REFUSED:
        _apply(actor, locked, chosen, corrected_value)
    _close(actor, locked, chosen, reason_code, note)
    _log(actor, Action.DECIDE, locked, field=locked.field_name, outcome=chosen, reason=reason_code)
    return locked


def _apply(actor: User, item: CorrectionRequest, outcome: Outcome, corrected: Any) -> None:
    if item.registration_id is None:  # the case was removed since the request was filed
        raise Conflict(_("The case of this request no longer exists; refuse the request."))
    registration = Registration.objects.select_for_update().get(pk=item.registration_id)
    if outcome is Outcome.ACCEPTED:
        value = access.read_correction(actor, item)["proposed"]
    else:
        if corrected in (None, ""):
            raise FormInvalid(
                _("Give the value the record should hold."),
                fields={"corrected_value": [_("Required when partly accepting.")]},
            )
        try:
            value = _clean_value(registration, item.field_name, corrected)
        except FormInvalid as error:
            raise FormInvalid(
                error.message,
                fields={"corrected_value": [m for ms in error.fields.values() for m in ms]},
            ) from error
    form = access.read_form_for_correction(actor, registration)
    form[item.field_name] = value
    program = get_program(registration.program)
    clean = validate_form(
        program,
        form,
        partial=False,
        for_child=registration.for_child,
        today=timezone.localdate(),
    )
    registration.form_sealed = vault.seal_json(registration.person_id, FORM_LABEL, clean)
    registration.save(update_fields=["form_sealed", "updated_at"])
    spec = program.form.field(item.field_name)
    if spec is not None and spec.index is not None:
        # Search must find the corrected value, not the wrong one.
        BlindIndexEntry.objects.filter(person_id=registration.person_id).delete()
        BlindIndexEntry.objects.bulk_create(_index_entries(registration.person_id, program, clean))
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        subject_id=registration.person_id,
        object_type="registration",
        object_id=registration.case_number or str(registration.id),
        purpose="privacy-request",
        detail={"fields": [item.field_name], "via": "correction"},
    )


@transaction.atomic
def decide_complaint(
    actor: User, item: Complaint, *, outcome: str, reason_code: str, note: str = ""
) -> Complaint:
    """Uphold (wholly or partly) or not uphold a complaint, with a reason the person
    reads in their language."""
    chosen = _check_decision(outcome, reason_code)
    locked = _lock_open(Complaint, item, chosen)
    if locked is None:
        return Complaint.objects.get(pk=item.pk)
    assert isinstance(locked, Complaint)  # noqa: S101
    _close(actor, locked, chosen, reason_code, note)
    _log(actor, Action.DECIDE, locked, outcome=chosen, reason=reason_code)
    return locked


def _close(actor: User, item: Redress, outcome: Outcome, reason_code: str, note: str) -> None:
    note = _check_text(note, "note")
    item.state = RedressState.DECIDED
    item.outcome = outcome
    item.reason_code = reason_code
    item.decided_by = actor
    item.decided_by_role = actor.role
    item.decided_at = timezone.now()
    item.note_sealed = vault.seal_json(item.person_id, NOTE_LABEL, note) if note else None
    item.save()


def escalate_overdue(today: dt.date | None = None) -> int:
    """Escalate every open request past its deadline to the privacy officer: one
    UPDATE "escalation" entry each, once (a request already escalated is skipped, and
    two overlapping runs cannot both claim it). Returns how many it escalated."""
    today = today or timezone.localdate()
    count = 0
    for model in (CorrectionRequest, Complaint):
        overdue = model.objects.filter(
            state=RedressState.OPEN, due_on__lt=today, escalated_at__isnull=True
        ).values_list("pk", flat=True)
        for pk in list(overdue):
            count += _escalate(model, pk)
    return count


@transaction.atomic
def _escalate(model: type[Redress], pk: object) -> int:
    manager = model.objects  # type: ignore[attr-defined]
    claimed = manager.filter(pk=pk, escalated_at__isnull=True).update(escalated_at=timezone.now())
    if not claimed:
        return 0
    item = manager.get(pk=pk)
    audit.record(
        actor=audit.SYSTEM,
        action=Action.UPDATE,
        subject_id=item.person_id,
        object_type="escalation",
        object_id=str(item.pk),
        detail={"kind": _kind(item), "due_on": item.due_on.isoformat()},
    )
    from apps.rights.notifications import notify_privacy_officers

    notify_privacy_officers(_kind(item), str(pk), item.due_on.isoformat())
    return 1


def _kind(item: Redress) -> str:
    return "correction" if isinstance(item, CorrectionRequest) else "complaint"


def _log(actor: User, action: Action, item: Redress, **detail: Any) -> None:
    audit.record(
        actor=actor,
        action=action,
        subject_id=item.person_id,
        object_type=_kind(item),
        object_id=str(item.pk),
        detail={k: str(v) if isinstance(v, Outcome) else v for k, v in detail.items()},
    )
