"""Registration workflows: the only code that writes registrations.

Every function runs in one transaction with its audit entry: it commits whole or
leaves nothing. Personal data goes in sealed under the person's key (apps.vault) and
their blind indexes; reads live in `access.py` so that every read is logged.
"""

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit import services as audit
from apps.audit.models import Action
from apps.programs.eligibility import (
    EligibilityAnswers,
    EligibilityOutcome,
    InvalidAnswers,
    evaluate,
)
from apps.programs.loader import get_program
from apps.programs.schema import BlindIndex, Program
from apps.registrations import notifications
from apps.registrations.case_numbers import new_case_number
from apps.registrations.models import (
    BlindIndexEntry,
    CaseState,
    CaseTransition,
    NoticeShown,
    Person,
    Registration,
)
from apps.registrations.reasons import REASON_FILED_BY_GUARDIAN, REASON_FILED_BY_REGISTRANT
from apps.registrations.validation import validate_form
from apps.vault import blind_index
from apps.vault import services as vault
from registry.db import insert_together
from registry.errors import Conflict, FormInvalid

FORM_LABEL = "registration.form"


class IdempotencyConflict(Conflict):
    code = "idempotency_key_reused"


class InvalidTransition(Conflict):
    code = "invalid_transition"


def today() -> dt.date:
    return timezone.localdate()


@transaction.atomic
def record_notice_shown(user: User, program: Program, language: str) -> NoticeShown:
    """Record that `user` was shown the program's notice in `language`, with the digest
    of the exact text, so the showing can be proven later."""
    language = language if language in program.notice.text else program.program.languages[0]
    return NoticeShown.objects.create(
        user=user,
        program=program.slug,
        notice_version=program.notice.version,
        language=language,
        text_digest=program.notice.digest(language),
    )


def check_eligibility(
    user: User, program: Program, answers: EligibilityAnswers, language: str
) -> tuple[EligibilityOutcome, NoticeShown]:
    """Answer "must I register?" and record that the notice went with the answer.

    The answers are not stored: they are personal data that the check does not need
    to keep."""
    try:
        outcome = evaluate(program, answers, today())
    except InvalidAnswers as error:
        raise FormInvalid(error.message, fields={error.field: [error.message]}) from error
    return outcome, record_notice_shown(user, program, language)


@transaction.atomic
def start_draft(user: User, *, program_slug: str, for_child: bool, language: str) -> Registration:
    """Create a person (with their own data key) and an empty draft case."""
    program = get_program(program_slug)
    person, data_key = _new_person(user, program, for_child)
    registration = Registration.objects.create(
        person=person,
        program=program.slug,
        program_version=program.program.version,
        filed_by=user,
        for_child=for_child,
        language=language,
        form_sealed=vault.seal_json(person.id, FORM_LABEL, {}, data_key=data_key),
    )
    audit.record(
        actor=user,
        action=Action.CREATE,
        subject_id=person.id,
        object_type="registration",
        object_id=str(registration.id),
        purpose="self-filing",
        detail={"state": CaseState.DRAFT, "for_child": for_child},
        new_subject=True,
    )
    return registration


@transaction.atomic
def save_draft(user: User, registration: Registration, data: Any) -> Registration:
    """Replace the draft's answers with `data` after checking types and formats.
    Raises FormInvalid (and writes nothing) on any bad answer, Conflict if the case
    was already submitted."""
    locked = _lock_draft(registration)
    program = get_program(locked.program)
    clean = validate_form(program, data, partial=True, for_child=locked.for_child, today=today())
    locked.form_sealed = vault.seal_json(locked.person_id, FORM_LABEL, clean)
    locked.save(update_fields=["form_sealed", "updated_at"])
    audit.record(
        actor=user,
        action=Action.UPDATE,
        subject_id=locked.person_id,
        object_type="registration",
        object_id=str(locked.id),
        purpose="self-filing",
        detail={"fields": sorted(clean)},
    )
    return locked


@transaction.atomic
def submit(user: User, registration: Registration, data: Any | None = None) -> Registration:
    """File the draft: validate every answer, give a case number, move to submitted.

    Idempotent: submitting a case that is already submitted returns it unchanged (a
    double click files one registration). Raises FormInvalid when answers are missing
    or wrong; nothing is written then."""
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.state != CaseState.DRAFT:
        if locked.case_number:
            return locked
        raise InvalidTransition(_("This case can no longer be submitted."))
    program = get_program(locked.program)
    if data is None:
        data = vault.open_json(locked.person_id, FORM_LABEL, locked.form_sealed)
    clean = validate_form(program, data, partial=False, for_child=locked.for_child, today=today())
    _file(user, locked, program, clean)
    return locked


def file_registration(
    user: User,
    *,
    program_slug: str,
    for_child: bool,
    data: Any,
    language: str,
    idempotency_key: str | None,
) -> tuple[Registration, bool]:
    """Create and submit a registration in one step (the API's POST /registrations).

    With an idempotency key, a retry of the same request returns the first result
    (created=False); the same key with a different body raises IdempotencyConflict.

    Retries are rare, so the key is not looked up first: the unique constraint on
    (filer, key) refuses the second insert, and only then is the first result read.
    A retry with an invalid body therefore gets the validation error."""
    digest = _request_digest(program_slug, for_child, data)
    program = get_program(program_slug)
    clean = validate_form(program, data, partial=False, for_child=for_child, today=today())
    try:
        with transaction.atomic():
            person_id = uuid.uuid4()
            key_row, data_key = vault.new_subject_key(person_id)
            person = _person(person_id, user, program, for_child)
            if for_child:
                person.reregistration_due_on = reregistration_due(program, clean)
            registration = Registration(
                person=person,
                program=program.slug,
                program_version=program.program.version,
                filed_by=user,
                for_child=for_child,
                language=language,
                idempotency_key=idempotency_key,
                request_digest=digest,
            )
            _mark_filed(registration, program, clean, data_key=data_key)
            entry, head = audit.first_entry(actor=user, **_submit_event(registration))
            insert_together(
                [
                    key_row,
                    person,
                    registration,
                    *_index_entries(person_id, program, clean),
                    _filed_transition(user, registration, CaseState.DRAFT),
                    entry,
                    head,
                ]
            )
            notifications.confirm(registration, "submitted")
    except IntegrityError:
        # An earlier request with the same key (a retry, or a concurrent twin) filed
        # first: answer with its result.
        previous = _previous_filing(user, idempotency_key, digest) if idempotency_key else None
        if previous is None:
            raise
        return previous, False
    return registration, True


def _file(user: User, registration: Registration, program: Program, clean: dict[str, Any]) -> None:
    """File an existing draft (its person and key exist already)."""
    if registration.for_child:
        Person.objects.filter(pk=registration.person_id).update(
            reregistration_due_on=reregistration_due(program, clean)
        )
    from_state = registration.state
    _mark_filed(registration, program, clean)
    registration.save()
    BlindIndexEntry.objects.bulk_create(_index_entries(registration.person_id, program, clean))
    _filed_transition(user, registration, from_state).save()
    audit.record(actor=user, **_submit_event(registration))
    notifications.confirm(registration, "submitted")


def _mark_filed(
    registration: Registration,
    program: Program,
    clean: dict[str, Any],
    *,
    data_key: bytes | None = None,
) -> None:
    """`data_key` is given when the person was created in this transaction."""
    registration.form_sealed = vault.seal_json(
        registration.person_id, FORM_LABEL, clean, data_key=data_key
    )
    registration.case_number = new_case_number(program.slug)
    registration.submitted_at = timezone.now()
    registration.state = CaseState.SUBMITTED


def _filed_transition(user: User, registration: Registration, from_state: str) -> CaseTransition:
    return CaseTransition(
        registration=registration,
        from_state=from_state,
        to_state=CaseState.SUBMITTED,
        actor=user,
        actor_role=user.role,
        reason=REASON_FILED_BY_GUARDIAN if registration.for_child else REASON_FILED_BY_REGISTRANT,
    )


def _submit_event(registration: Registration) -> dict[str, Any]:
    return {
        "action": Action.SUBMIT,
        "subject_id": registration.person_id,
        "object_type": "registration",
        "object_id": registration.case_number,
        "purpose": "self-filing",
        "detail": {"state": CaseState.SUBMITTED, "for_child": registration.for_child},
    }


def reregistration_due(program: Program, clean: dict[str, Any]) -> dt.date | None:
    """The child's birthday at the program's age: the day re-registration opens."""
    field = program.form.field_with_meaning("birth_date")
    age = program.eligibility.child_below_age
    if not field or not age or not clean.get(field.name):
        return None
    born = dt.date.fromisoformat(clean[field.name])
    try:
        return born.replace(year=born.year + age)
    except ValueError:  # born on 29 February: the birthday falls on 1 March
        return dt.date(born.year + age, 3, 1)


def _new_person(user: User, program: Program, for_child: bool) -> tuple[Person, bytes]:
    """A new person, saved with their data key (returned so it need not be read back)."""
    person_id = uuid.uuid4()
    data_key = vault.create_subject_key(person_id)
    person = _person(person_id, user, program, for_child)
    person.save(force_insert=True)
    return person, data_key


def _person(person_id: uuid.UUID, user: User, program: Program, for_child: bool) -> Person:
    return Person(
        id=person_id,
        account=None if for_child else user,
        guardian=user if for_child else None,
        program=program.slug,
    )


def _index_entries(
    person_id: uuid.UUID, program: Program, clean: dict[str, Any]
) -> list[BlindIndexEntry]:
    by_index: dict[BlindIndex, list[str]] = {}
    for field in program.form.fields():
        if field.index and clean.get(field.name):
            by_index.setdefault(field.index, []).append(str(clean[field.name]))
    entries: list[BlindIndexEntry] = []
    family = " ".join(by_index.get(BlindIndex.FAMILY_NAME, []))
    given = " ".join(by_index.get(BlindIndex.GIVEN_NAME, []))
    births = by_index.get(BlindIndex.BIRTH_DATE, [])
    if family and births:
        entries.append(
            BlindIndexEntry(
                person_id=person_id,
                kind=BlindIndexEntry.Kind.NAME_BIRTH,
                digest=blind_index.name_birth_index(family, given, births[0]),
            )
        )
        entries.append(
            BlindIndexEntry(
                person_id=person_id,
                kind=BlindIndexEntry.Kind.FAMILY_BIRTH,
                digest=blind_index.family_name_birth_index(family, births[0]),
            )
        )
    entries.extend(
        BlindIndexEntry(
            person_id=person_id,
            kind=BlindIndexEntry.Kind.DOCUMENT,
            digest=blind_index.document_index(number),
        )
        for number in by_index.get(BlindIndex.DOCUMENT_NUMBER, [])
    )
    return entries


def _lock_draft(registration: Registration) -> Registration:
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.state != CaseState.DRAFT:
        raise InvalidTransition(_("This case was already submitted; its answers are locked."))
    return locked


def _request_digest(program_slug: str, for_child: bool, data: Any) -> str:
    body = json.dumps([program_slug, for_child, data], sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def _previous_filing(user: User, key: str, digest: str) -> Registration | None:
    previous = Registration.objects.filter(filed_by=user, idempotency_key=key).first()
    if previous and previous.request_digest != digest:
        raise IdempotencyConflict(
            _(
                "This Idempotency-Key was already used for a different request. "
                "Use a new key for a new registration."
            )
        )
    return previous
