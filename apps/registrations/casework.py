"""Case work after filing: appointments moving the case, the interview, decisions,
assignment, address changes and departures.

Every function runs in one transaction with its audit entry and a CaseTransition where
the state moves. A decision against the registrant needs a reason from DECISION_REASONS,
which the registrant reads in their own language together with how to respond.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.permissions import STAFF_ROLES, Role
from apps.audit import services as audit
from apps.audit.models import Action
from apps.audit.services import SystemActor
from apps.registrations import notifications
from apps.registrations.models import (
    TRANSITIONS,
    AddressChange,
    CaseNote,
    CaseState,
    CaseTransition,
    Departure,
    Person,
    Registration,
)
from apps.registrations.reasons import (
    DECISION_REASONS,
    REASON_BIOMETRICS_CAPTURED,
    REASON_DEPARTURE_RECORDED,
    REASON_EVIDENCE_PROVIDED,
    REASON_REGISTERED,
    Decision,
)
from apps.registrations.services import InvalidTransition
from apps.registrations.validation import clean_address
from apps.vault import services as vault
from registry.errors import Conflict, FormInvalid

ADDRESS_REPORTING_DAYS = 10
NOTE_LABEL = "registration.note"
ADDRESS_LABEL = "person.address"
PORT_LABEL = "departure.port"
MAX_NOTE = 4000

# Other apps may forbid a decision for reasons of their own (an unresolved biometric
# duplicate candidate, an open citizenship claim): each guard raises a DomainError that
# says why, or returns. Registered in the app's AppConfig.ready().
DECISION_GUARDS: list[Callable[[Registration, Decision, str], None]] = []
# Apps that keep something that depends on a case's state or the person's address (the
# proof of registration) subscribe here, in their AppConfig.ready(); the hooks run in
# the transaction of the move or the report.
TRANSITION_HOOKS: list[Callable[[User | SystemActor, Registration, str, str], None]] = []
ADDRESS_CHANGED_HOOKS: list[Callable[[User, Person], None]] = []


@transaction.atomic
def schedule_biometrics(
    actor: User | SystemActor, registration: Registration, *, office_code: str, reason: str
) -> Registration:
    """submitted → biometrics_scheduled at an office (called by apps.appointments)."""
    return _move(
        actor, registration, CaseState.BIOMETRICS_SCHEDULED, reason, office_code=office_code
    )


@transaction.atomic
def move_to_office(
    actor: User | SystemActor, registration: Registration, *, office_code: str, reason: str
) -> Registration:
    """The appointment moved to another office: the case stays biometrics_scheduled and
    joins that office's queue. The history records the move as a step that keeps the
    state, so nobody reads it as the case going back to "submitted"."""
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.state != CaseState.BIOMETRICS_SCHEDULED:
        raise InvalidTransition(
            _("Only a case waiting for its appointment can move office; this one is %(state)s.")
            % {"state": locked.get_state_display()}
        )
    _step(
        actor,
        locked,
        locked.state,
        reason,
        action=Action.UPDATE,
        detail={"office": office_code, "previous_office": locked.office_code},
    )
    locked.office_code = office_code
    locked.save(update_fields=["office_code", "updated_at"])
    return locked


@transaction.atomic
def release_appointment(actor: User, registration: Registration, *, reason: str) -> Registration:
    """biometrics_scheduled → submitted after a cancelled or missed appointment, so the
    registrant can book again."""
    return _move(actor, registration, CaseState.SUBMITTED, reason)


INTERVIEW = "interview"


@transaction.atomic
def record_interview(
    actor: User, registration: Registration, *, notes: str, document_checked: bool
) -> Registration:
    """The registrant came to the appointment: the identity document was checked and
    the notes (possibly none) are kept sealed as the case's interview note.

    The case does not move: it reaches biometrics_captured only when the photo and
    fingerprints are taken (`record_biometrics`), so its state says what happened.
    Recording it again changes nothing (a retried post). Raises FormInvalid when the
    document was not checked, Conflict when the case is not at its appointment."""
    if not document_checked:
        raise FormInvalid(
            _("Check the identity document before recording the appointment."),
            fields={"document_checked": [_("Required.")]},
        )
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.state not in (CaseState.BIOMETRICS_SCHEDULED, CaseState.BIOMETRICS_CAPTURED):
        raise Conflict(
            _("An appointment is recorded while the case waits for it; this case is %(state)s.")
            % {"state": locked.get_state_display()}
        )
    if interview_of(locked) is not None:
        return locked
    _add_note(actor, locked, notes, kind=INTERVIEW)
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        subject_id=locked.person_id,
        object_type="registration",
        object_id=locked.case_number or str(locked.id),
        detail={"interview": True, "document_checked": True, **office_of(actor, locked)},
    )
    return locked


def interview_of(registration: Registration) -> CaseNote | None:
    """The case's interview note (its time and author; the text stays sealed), if the
    appointment was recorded."""
    return registration.notes.filter(kind=INTERVIEW).order_by("at").first()


@transaction.atomic
def record_biometrics(actor: User, registration: Registration) -> Registration:
    """The photo and fingerprints were taken (apps.biometrics): biometrics_scheduled →
    biometrics_captured, the only way a case gets there. A case already there (taken
    again after an earlier capture was removed) stays where it is; InvalidTransition
    from any other state."""
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.state == CaseState.BIOMETRICS_CAPTURED:
        return locked
    return _move(actor, locked, CaseState.BIOMETRICS_CAPTURED, REASON_BIOMETRICS_CAPTURED)


@transaction.atomic
def decide(
    actor: User,
    registration: Registration,
    *,
    decision: Decision,
    reason_code: str = "",
    note: str = "",
) -> Registration:
    """Register, reject or request evidence. Rejection and a request for evidence need
    a reason the registrant can read (a code of DECISION_REASONS); FormInvalid otherwise."""
    target = {
        Decision.REGISTER: CaseState.REGISTERED,
        Decision.REJECT: CaseState.REJECTED,
        Decision.REQUEST_EVIDENCE: CaseState.EVIDENCE_REQUESTED,
    }[decision]
    for guard in DECISION_GUARDS:
        guard(registration, decision, reason_code)
    if decision is not Decision.REGISTER:
        reason = DECISION_REASONS.get(reason_code)
        if reason is None or decision not in reason.decisions:
            codes = sorted(c for c, r in DECISION_REASONS.items() if decision in r.decisions)
            raise FormInvalid(
                _("Give one of these reasons: %(codes)s.") % {"codes": ", ".join(codes)},
                fields={"reason_code": [_("A reason the registrant can read is required.")]},
            )
    locked = _move(actor, registration, target, reason_code or REASON_REGISTERED)
    if note.strip():
        _add_note(actor, locked, note, kind="decision")
    if decision is Decision.REGISTER:
        notifications.confirm(locked, "registered")
    return locked


@transaction.atomic
def respond_to_evidence_request(user: User, registration: Registration) -> Registration:
    """The registrant answered a request for evidence: the case returns to the queue."""
    return _move(user, registration, CaseState.SUBMITTED, REASON_EVIDENCE_PROVIDED)


@transaction.atomic
def assign(actor: User, registration: Registration, *, officer: User | None) -> Registration:
    """Give the case to an officer (or take it back to the shared queue)."""
    if officer is not None and officer.role not in (Role.OFFICER, Role.SUPERVISOR):
        raise FormInvalid(
            _("Cases go to officers or supervisors."), fields={"officer": [_("Not an officer.")]}
        )
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    locked.assigned_to = officer
    locked.save(update_fields=["assigned_to", "updated_at"])
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        subject_id=locked.person_id,
        object_type="registration",
        object_id=locked.case_number or str(locked.id),
        detail={"assigned_to": officer.pk if officer else None},
    )
    return locked


@transaction.atomic
def report_address_change(
    user: User, person: Person, *, address: Any, moved_on: dt.date
) -> AddressChange:
    """Record a move. A report more than 10 days after the move is accepted and marked
    late, never refused. FormInvalid for a malformed address or a future date."""
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if isinstance(address, dict) and not address.get("from"):
        address = {**address, "from": moved_on.isoformat()}
    clean = clean_address(address, errors, "address", today)
    if moved_on > today:
        errors.setdefault("moved_on", []).append(_("This date is in the future."))
    if not clean and not errors:
        errors["address"] = [_("Give the new address.")]
    if errors:
        raise FormInvalid(_("Some answers need correcting; see each field."), fields=errors)
    change = AddressChange.objects.create(
        person=person,
        address_sealed=vault.seal_json(person.id, ADDRESS_LABEL, clean),
        moved_on=moved_on,
        reported_by=user,
        late=(today - moved_on).days > ADDRESS_REPORTING_DAYS,
    )
    audit.record(
        actor=user,
        action=Action.UPDATE,
        subject_id=person.id,
        object_type="address",
        object_id=str(change.pk),
        purpose="self-reporting" if person.account_id == user.pk else "",
        detail={"late": change.late},
    )
    for hook in ADDRESS_CHANGED_HOOKS:
        hook(user, person)
    return change


@transaction.atomic
def record_departure(
    actor: User, registration: Registration, *, departed_on: dt.date, port: str
) -> Departure:
    """registered → departed; the retention clock of departed persons starts at
    `departed_on`. Recorded by the registrant or by an officer (at a port)."""
    if departed_on > timezone.localdate():
        raise FormInvalid(
            _("This date is in the future."), fields={"departed_on": [_("In the future.")]}
        )
    port = port.strip()
    if not port or len(port) > 100:
        raise FormInvalid(
            _("Give the port of departure (at most 100 characters)."),
            fields={"port": [_("Required.")]},
        )
    locked = _move(actor, registration, CaseState.DEPARTED, REASON_DEPARTURE_RECORDED)
    return Departure.objects.create(
        registration=locked,
        departed_on=departed_on,
        port_sealed=vault.seal_json(locked.person_id, PORT_LABEL, port),
        recorded_by=actor,
        recorded_by_role=actor.role,
    )


def _move(
    actor: User | SystemActor,
    registration: Registration,
    to_state: str,
    reason: str,
    **changes: Any,
) -> Registration:
    """Move the case and save `changes` to it in the same UPDATE."""
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if to_state not in TRANSITIONS[locked.state]:
        raise InvalidTransition(
            _("A case in state %(state)s cannot move to %(target)s.")
            % {"state": locked.get_state_display(), "target": CaseState(to_state).label}
        )
    detail = {"from": locked.state, "to": to_state, **office_of(actor, locked)}
    _step(actor, locked, to_state, reason, action=Action.TRANSITION, detail=detail)
    from_state = locked.state
    locked.state = to_state
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.save(update_fields=["state", "updated_at", *changes])
    for hook in TRANSITION_HOOKS:
        hook(actor, locked, from_state, to_state)
    return locked


def _step(
    actor: User | SystemActor,
    locked: Registration,
    to_state: str,
    reason: str,
    *,
    action: Action,
    detail: dict[str, Any],
) -> None:
    """One step of the case history and its audit entry (the case row is locked)."""
    CaseTransition.objects.create(
        registration=locked,
        from_state=locked.state,
        to_state=to_state,
        actor=actor if isinstance(actor, User) else None,
        actor_role=actor.role,
        reason=reason[:500],
    )
    audit.record(
        actor=actor,
        action=action,
        subject_id=locked.person_id,
        object_type="registration",
        object_id=locked.case_number or str(locked.id),
        detail=detail,
    )


def office_of(actor: User | SystemActor, registration: Registration) -> dict[str, str]:
    """The office working the case, on a staff member's entry (the person's access log
    names it: "an officer at the NWK office")."""
    if isinstance(actor, User) and actor.role_enum in STAFF_ROLES and registration.office_code:
        return {"office": registration.office_code}
    return {}


def _add_note(actor: User, registration: Registration, text: str, *, kind: str) -> CaseNote:
    if len(text) > MAX_NOTE:
        raise FormInvalid(
            _("At most %(limit)d characters.") % {"limit": MAX_NOTE},
            fields={"notes": [_("Too long.")]},
        )
    # An interview without notes still leaves its (empty) note: it is the record that
    # the appointment took place.
    return CaseNote.objects.create(
        registration=registration,
        author=actor,
        author_role=actor.role,
        kind=kind,
        text_sealed=vault.seal_json(registration.person_id, NOTE_LABEL, text.strip()),
    )
