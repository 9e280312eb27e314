"""Appointment workflows: the only code that writes slots and bookings.

Every function runs in one transaction with its audit entry and, where the case moves,
its case transition (`apps.registrations.casework`) and the e-mail it causes, an outbox
row (`apps.outbox`) that is sent once the transaction has committed.

No slot is ever overbooked. A booker locks the registration's row, then the slot's row
(created on first use), and counts places under that lock: concurrent bookers of one
slot queue on its row, and the database's check constraint refuses an overbooked slot
even if this code were wrong. Locks are always taken in the same order (registration,
then slots by primary key), so two workflows never wait for each other in a cycle.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.appointments import availability
from apps.appointments.errors import (
    AlreadyBooked,
    BookingClosed,
    NotBookable,
    SlotNotOffered,
    SlotTaken,
    TooEarly,
    UnknownOffice,
)
from apps.appointments.models import Booking, BookingState, Office, Slot
from apps.appointments.references import new_reference
from apps.audit import services as audit
from apps.audit.models import Action
from apps.audit.services import ActorLike, SystemActor
from apps.registrations import casework
from apps.registrations.models import CaseState, Registration
from apps.registrations.services import IdempotencyConflict

# Reasons written into the case history; codes, shown in the reader's language.
REASON_BOOKED = "system:appointment-booked"
REASON_CANCELLED = "system:appointment-cancelled"
REASON_MISSED = "system:appointment-missed"
REASON_MOVED = "system:appointment-moved-office"

# Reminders go out this long before an appointment, unless it was booked in that time.
REMIND_BEFORE = dt.timedelta(hours=24)


def book(
    actor: User | SystemActor,
    registration: Registration,
    *,
    office_code: str,
    starts_at: dt.datetime,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[Booking, bool]:
    """Book a place for a submitted case; the case moves to biometrics_scheduled.

    Returns (booking, created). Idempotent: a retry with the same Idempotency-Key, or a
    repeat of the booking the case already holds, returns that booking (created=False).
    Raises UnknownOffice, SlotNotOffered (not a bookable time of the office), SlotTaken
    (no place left; with alternatives), AlreadyBooked (the case holds another
    appointment: reschedule it), NotBookable (the case is not waiting for one) and
    IdempotencyConflict (the key was used for another slot). Nothing is written then.
    """
    with transaction.atomic():
        locked = _lock_registration(registration)
        previous = _previous(locked, idempotency_key, office_code, starts_at)
        if previous is not None:
            return previous, False
        current = (
            Booking.objects.filter(registration=locked, state=BookingState.BOOKED)
            .select_related("slot__office")
            .first()
        )
        if current is not None:
            if _is_slot(current.slot, office_code, starts_at):
                return current, False
            raise AlreadyBooked(
                _("This case has an appointment already; change or cancel that one instead.")
            )
        if locked.state != CaseState.SUBMITTED:
            raise NotBookable(
                _("A case in state %(state)s cannot book an appointment.")
                % {"state": locked.get_state_display()}
            )
        office = _office(office_code)
        slot = _lock_slot(office, starts_at, now)
        _take_place(slot, now)
        booking = Booking.objects.create(
            registration=locked,
            slot=slot,
            reference=new_reference(),
            booked_by=actor if isinstance(actor, User) else None,
            idempotency_key=idempotency_key,
        )
        casework.schedule_biometrics(actor, locked, office_code=office.code, reason=REASON_BOOKED)
        _record(actor, locked, booking, Action.CREATE)
        notify(booking, "booked")
        return booking, True


def reschedule(
    actor: User,
    booking: Booking,
    *,
    office_code: str,
    starts_at: dt.datetime,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[Booking, bool]:
    """Move an appointment: the old booking is cancelled and a new one made, in one
    transaction, so the registrant never holds two places nor loses the old one when
    the new time is taken.

    Returns (new booking, created); a retry with the same key, or a move to the time
    already held, returns that booking (created=False). The new booking keeps the old
    one's reference, so the registrant reads out the same one at the counter. The case
    stays biometrics_scheduled; a move to another office is one step of the case
    history, and the case joins the new office's queue. Raises as `book` does,
    BookingClosed when the appointment is no longer booked or has started, and
    NotBookable when the case was decided or withdrawn meanwhile (cancel instead).
    """
    with transaction.atomic():
        locked = _lock_registration(booking.registration)
        previous = _previous(locked, idempotency_key, office_code, starts_at)
        if previous is not None:
            return previous, False
        current = _reread(booking)
        _require_changeable(current, now)
        if _is_slot(current.slot, office_code, starts_at):
            return current, False
        if locked.state != CaseState.BIOMETRICS_SCHEDULED:
            raise NotBookable(
                _("A case in state %(state)s cannot book an appointment.")
                % {"state": locked.get_state_display()}
            )
        office = _office(office_code)
        old_office = current.slot.office
        slot = _lock_slot(office, starts_at, now, also=current.slot)
        _take_place(slot, now)
        _release_place(current.slot)
        # The old booking stops being active before the new one exists: the partial
        # unique constraint allows one active booking per case at every statement.
        current.state = BookingState.CANCELLED
        current.save(update_fields=["state", "updated_at"])
        new = Booking.objects.create(
            registration=locked,
            slot=slot,
            reference=current.reference,
            booked_by=actor,
            idempotency_key=idempotency_key,
            replaces=current,
        )
        if office.pk != old_office.pk:
            casework.move_to_office(actor, locked, office_code=office.code, reason=REASON_MOVED)
        _record(actor, locked, new, Action.UPDATE, replaces=str(current.id))
        notify(new, "rescheduled")
        return new, True


def cancel(actor: User, booking: Booking, *, now: dt.datetime | None = None) -> Booking:
    """Cancel an appointment and free its place; the case returns to submitted so the
    registrant can book again. Idempotent: cancelling a cancelled booking returns it.
    Raises BookingClosed when it was missed or attended, or has started."""
    with transaction.atomic():
        locked = _lock_registration(booking.registration)
        current = _reread(booking)
        if current.state == BookingState.CANCELLED:
            return current
        _require_changeable(current, now)
        _release_place(current.slot)
        current.state = BookingState.CANCELLED
        current.save(update_fields=["state", "updated_at"])
        # A case withdrawn or decided meanwhile keeps its state; only the place is freed.
        if locked.state == CaseState.BIOMETRICS_SCHEDULED:
            casework.release_appointment(actor, locked, reason=REASON_CANCELLED)
        _record(actor, locked, current, Action.UPDATE)
        notify(current, "cancelled")
        return current


def mark_missed(actor: User, booking: Booking, *, now: dt.datetime | None = None) -> Booking:
    """The office records that the registrant did not come. The case returns to
    submitted, so they can book again, and they are told how. Idempotent. Raises
    TooEarly before the appointment's start and BookingClosed when it was cancelled
    or attended. The place stays counted: its time has passed."""
    with transaction.atomic():
        locked = _lock_registration(booking.registration)
        current = _reread(booking)
        if current.state == BookingState.MISSED:
            return current
        _require_booked(current)
        if current.slot.starts_at > (now or timezone.now()):
            raise TooEarly(_("This appointment has not started yet; it cannot be missed."))
        current.state = BookingState.MISSED
        current.save(update_fields=["state", "updated_at"])
        if locked.state == CaseState.BIOMETRICS_SCHEDULED:
            casework.release_appointment(actor, locked, reason=REASON_MISSED)
        _record(actor, locked, current, Action.UPDATE)
        notify(current, "missed")
        return current


def mark_attended(actor: User, booking: Booking, *, now: dt.datetime | None = None) -> Booking:
    """The office records that the registrant came (from the appointment's day on, as
    people arrive early). The case does not move here: capturing the biometrics does
    that (`casework.record_biometrics`). Idempotent. Raises TooEarly before the
    appointment's day and BookingClosed when it was cancelled or missed."""
    with transaction.atomic():
        locked = _lock_registration(booking.registration)
        current = _reread(booking)
        if current.state == BookingState.ATTENDED:
            return current
        _require_booked(current)
        office_today = (now or timezone.now()).astimezone(current.slot.office.tz).date()
        if current.slot.local_starts_at.date() > office_today:
            raise TooEarly(_("This appointment is on a later day."))
        current.state = BookingState.ATTENDED
        current.save(update_fields=["state", "updated_at"])
        _record(actor, locked, current, Action.UPDATE)
        return current


def claim_due_reminders(now: dt.datetime | None = None) -> list[Booking]:
    """Mark the bookings whose reminder is due (starting within REMIND_BEFORE, booked
    before that window opened, not reminded yet) and queue their reminders with the mark.

    Each booking is claimed by a conditional update, so two workers running at once
    send each reminder once."""
    now = now or timezone.now()
    due = Booking.objects.filter(
        state=BookingState.BOOKED,
        reminded_at__isnull=True,
        slot__starts_at__gt=now,
        slot__starts_at__lte=now + REMIND_BEFORE,
        created_at__lt=F("slot__starts_at") - REMIND_BEFORE,
    ).select_related("registration", "slot__office")
    claimed: list[Booking] = []
    with transaction.atomic():
        for booking in due:
            if Booking.objects.filter(pk=booking.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                _record(audit.SYSTEM, booking.registration, booking, Action.UPDATE, reminder=True)
                notify(booking, "reminder")
                claimed.append(booking)
    return claimed


def _lock_registration(registration: Registration) -> Registration:
    return Registration.objects.select_for_update().select_related("person").get(pk=registration.pk)


def _reread(booking: Booking) -> Booking:
    # Read under the registration's lock, which every writer of a booking holds.
    return Booking.objects.select_related("slot__office", "registration").get(pk=booking.pk)


def _previous(
    registration: Registration, key: str | None, office_code: str, starts_at: dt.datetime
) -> Booking | None:
    """The booking an earlier request with this key made, if it asked for the same slot."""
    if not key:
        return None
    previous = (
        Booking.objects.filter(registration=registration, idempotency_key=key)
        .select_related("slot__office")
        .first()
    )
    if previous is not None and not _is_slot(previous.slot, office_code, starts_at):
        raise IdempotencyConflict(
            _(
                "This Idempotency-Key was already used for another time. "
                "Use a new key for a new booking."
            )
        )
    return previous


def _is_slot(slot: Slot, office_code: str, starts_at: dt.datetime) -> bool:
    return slot.office.code == office_code and slot.starts_at == starts_at


def _office(code: str) -> Office:
    office = Office.objects.filter(code=code, active=True).first()
    if office is None:
        raise UnknownOffice(
            _("There is no open office with code %(code)s; choose one from the list.")
            % {"code": code},
            fields={"office": [_("Unknown office.")]},
        )
    return office


def _lock_slot(
    office: Office,
    starts_at: dt.datetime,
    now: dt.datetime | None,
    *,
    also: Slot | None = None,
) -> Slot:
    """The slot's row, created if nobody booked it yet, locked (with `also`'s row, in
    primary-key order) until the transaction ends. Raises SlotNotOffered if the time is
    not bookable at this office."""
    if not availability.is_offered(office, starts_at, now):
        raise SlotNotOffered(
            _("This time is not offered at %(office)s; choose one of the free times.")
            % {"office": office.name},
            alternatives=availability.alternatives(office, starts_at, now),
        )
    # A concurrent creator of the same row makes this insert wait for its commit and
    # then do nothing, so every booker ends up locking one and the same row.
    Slot.objects.bulk_create(
        [Slot(office=office, starts_at=starts_at, capacity=office.capacity_per_slot)],
        ignore_conflicts=True,
    )
    wanted = Q(office=office, starts_at=starts_at)
    if also is not None:
        wanted |= Q(pk=also.pk)
    rows = list(Slot.objects.select_for_update().filter(wanted).order_by("pk"))
    slot = next(row for row in rows if row.office_id == office.pk and row.starts_at == starts_at)
    slot.office = office
    return slot


def _take_place(slot: Slot, now: dt.datetime | None) -> None:
    """Count one more person in the locked slot, or raise SlotTaken."""
    if slot.booked >= slot.capacity:
        raise SlotTaken(
            _("Someone has just taken the last place at this time. Choose another time."),
            alternatives=availability.alternatives(slot.office, slot.starts_at, now),
        )
    Slot.objects.filter(pk=slot.pk).update(booked=F("booked") + 1)
    slot.booked += 1


def _release_place(slot: Slot) -> None:
    Slot.objects.filter(pk=slot.pk).update(booked=F("booked") - 1)


def _require_booked(booking: Booking) -> None:
    if booking.state != BookingState.BOOKED:
        raise BookingClosed(
            _("This appointment is %(state)s; it can no longer change.")
            % {"state": booking.get_state_display().lower()}
        )


def _require_changeable(booking: Booking, now: dt.datetime | None) -> None:
    _require_booked(booking)
    if booking.slot.starts_at <= (now or timezone.now()):
        raise BookingClosed(_("This appointment has started; the office records whether you came."))


def _record(
    actor: ActorLike, registration: Registration, booking: Booking, action: Action, **extra: Any
) -> None:
    # Codes and times only: the office and the slot say nothing about who the person is.
    audit.record(
        actor=actor,
        action=action,
        subject_id=registration.person_id,
        object_type="appointment",
        object_id=str(booking.id),
        detail={
            "state": booking.state,
            "office": booking.slot.office.code,
            "starts_at": booking.slot.starts_at.isoformat(),
            **extra,
        },
    )


def notify(booking: Booking, event: str) -> None:
    """Put the message about `event` in the outbox, in the caller's transaction: it
    commits with the change to the booking, or not at all."""
    from apps.appointments.notifications import BOOKING, language_for
    from apps.outbox import services as outbox

    filed_by = booking.registration.filed_by
    outbox.queue(
        BOOKING,
        recipient=filed_by.email,
        language=language_for(booking),
        user=filed_by,
        params={"booking_id": str(booking.id), "event": event},
    )
