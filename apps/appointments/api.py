"""Appointment endpoints: thin wrappers over the same services as the pages.

Errors are domain errors (apps.appointments.errors); a taken or unknown time answers
with `alternatives`, the nearest free slots, so a client can offer them at once."""

import datetime as dt
import uuid

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Header, Query, Router, Schema, Status
from pydantic import AwareDatetime, ConfigDict, Field

from apps.accounts.models import User
from apps.accounts.permissions import Permission
from apps.accounts.policies import authorize
from apps.appointments import availability, services
from apps.appointments.availability import FreeSlot
from apps.appointments.models import Booking, Office
from apps.registrations.lookups import case_for
from apps.registrations.models import Registration

router = Router(tags=["appointments"])
OfficeCode = Field(pattern=r"^[-a-zA-Z0-9_]{1,32}$")
IdempotencyKey = Header(default=None, alias="Idempotency-Key", max_length=128)


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class OfficeOut(Schema):
    code: str
    name: str
    region: str
    address: str
    timezone: str
    slot_minutes: int


class SlotOut(Schema):
    office: str
    office_name: str
    region: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    local_starts_at: str
    timezone: str
    places: int


class SlotQuery(Strict):
    office: str | None = Field(default=None, pattern=r"^[-a-zA-Z0-9_]{1,32}$")
    region: str | None = Field(default=None, max_length=16)
    limit: int = Field(default=availability.DEFAULT_LIMIT, ge=1, le=availability.MAX_LIMIT)


class BookIn(Strict):
    case_number: str = Field(min_length=1, max_length=24)
    office: str = OfficeCode
    starts_at: AwareDatetime


class MoveIn(Strict):
    office: str = OfficeCode
    starts_at: AwareDatetime


class BookingOut(Schema):
    id: uuid.UUID
    reference: str = Field(description="short code to read out; kept when rescheduled")
    case_number: str | None
    state: str
    office: str
    office_name: str
    address: str
    timezone: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    local_starts_at: str
    replaces: uuid.UUID | None
    created_at: dt.datetime


class DayQuery(Strict):
    day: dt.date | None = None


class DayEntryOut(Schema):
    id: uuid.UUID
    reference: str
    case_number: str | None
    state: str
    starts_at: dt.datetime
    local_starts_at: str


def _slot(slot: FreeSlot) -> SlotOut:
    return SlotOut(
        office=slot.office.code,
        office_name=slot.office.name,
        region=slot.office.region,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        local_starts_at=slot.local_starts_at.isoformat(),
        timezone=slot.office.timezone,
        places=slot.places,
    )


def _booking(booking: Booking) -> BookingOut:
    slot, office = booking.slot, booking.slot.office
    return BookingOut(
        id=booking.id,
        reference=booking.reference,
        case_number=booking.registration.case_number,
        state=booking.state,
        office=office.code,
        office_name=office.name,
        address=office.address,
        timezone=office.timezone,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        local_starts_at=slot.local_starts_at.isoformat(),
        replaces=booking.replaces_id,
        created_at=booking.created_at,
    )


def _own_case(request: HttpRequest, case_number: str) -> tuple[User, Registration]:
    return case_for(request.user, Permission.APPOINTMENT_BOOK_OWN, case_number)


def _own_booking(request: HttpRequest, booking_id: uuid.UUID) -> tuple[User, Booking]:
    authorize(request.user, Permission.APPOINTMENT_BOOK_OWN)
    booking = get_object_or_404(
        Booking.objects.select_related("slot__office", "registration__person"), pk=booking_id
    )
    return authorize(request.user, Permission.APPOINTMENT_BOOK_OWN, booking.registration), booking


@router.get("/offices", response=list[OfficeOut], auth=None)
def list_offices(request: HttpRequest) -> list[OfficeOut]:
    """Public: the open offices (their addresses are public)."""
    return [
        OfficeOut.model_validate(office, from_attributes=True)
        for office in Office.objects.filter(active=True)
    ]


@router.get("/slots", response=list[SlotOut])
def list_slots(request: HttpRequest, filters: Query[SlotQuery]) -> list[SlotOut]:
    """appointment:own:book. The earliest free slots, optionally at one office or in one
    region; the registrant's address is not used."""
    authorize(request.user, Permission.APPOINTMENT_BOOK_OWN)
    found = availability.free_slots(
        office_code=filters.office, region=filters.region, limit=filters.limit
    )
    return [_slot(slot) for slot in found]


@router.post("/appointments", response={200: BookingOut, 201: BookingOut})
def book(
    request: HttpRequest, payload: BookIn, idempotency_key: str | None = IdempotencyKey
) -> Status:
    """appointment:own:book (owner of the case). 201 with the booking; with an
    Idempotency-Key header a retry returns the same booking with 200. 409 slot_taken
    (with alternatives) when the last place has just gone."""
    user, registration = _own_case(request, payload.case_number)
    booking, created = services.book(
        user,
        registration,
        office_code=payload.office,
        starts_at=payload.starts_at,
        idempotency_key=idempotency_key,
    )
    return Status(201 if created else 200, _booking(booking))


@router.get("/appointments", response=list[BookingOut])
def case_appointments(request: HttpRequest, case_number: str) -> list[BookingOut]:
    """appointment:own:book (owner). Every appointment of a case, newest first."""
    _user, registration = _own_case(request, case_number)
    bookings = (
        Booking.objects.filter(registration=registration)
        .select_related("slot__office", "registration")
        .order_by("-created_at")
    )
    return [_booking(b) for b in bookings]


@router.get("/appointments/{booking_id}", response=BookingOut)
def read_appointment(request: HttpRequest, booking_id: uuid.UUID) -> BookingOut:
    """appointment:own:book (owner)."""
    _user, booking = _own_booking(request, booking_id)
    return _booking(booking)


@router.post("/appointments/{booking_id}/reschedule", response={200: BookingOut, 201: BookingOut})
def reschedule(
    request: HttpRequest,
    booking_id: uuid.UUID,
    payload: MoveIn,
    idempotency_key: str | None = IdempotencyKey,
) -> Status:
    """appointment:own:book (owner). Cancels this booking and makes a new one in one
    transaction; 201 with the new booking, 200 for a retry."""
    user, booking = _own_booking(request, booking_id)
    new, created = services.reschedule(
        user,
        booking,
        office_code=payload.office,
        starts_at=payload.starts_at,
        idempotency_key=idempotency_key,
    )
    return Status(201 if created else 200, _booking(new))


@router.post("/appointments/{booking_id}/cancel", response=BookingOut)
def cancel(request: HttpRequest, booking_id: uuid.UUID) -> BookingOut:
    """appointment:own:book (owner). Idempotent."""
    user, booking = _own_booking(request, booking_id)
    return _booking(services.cancel(user, booking))


@router.get("/offices/{office_code}/appointments", response=list[DayEntryOut])
def office_day(request: HttpRequest, office_code: str, query: Query[DayQuery]) -> list[DayEntryOut]:
    """appointment:office:manage. An office's appointments on one day (its local today
    by default): case numbers and states, no personal data."""
    authorize(request.user, Permission.APPOINTMENT_OFFICE_MANAGE)
    office = get_object_or_404(Office, code=office_code)
    day = query.day or timezone.now().astimezone(office.tz).date()
    return [
        DayEntryOut(
            id=b.id,
            reference=b.reference,
            case_number=b.registration.case_number,
            state=b.state,
            starts_at=b.slot.starts_at,
            local_starts_at=b.slot.local_starts_at.isoformat(),
        )
        for b in availability.bookings_on(office, day)
    ]


@router.post("/appointments/{booking_id}/missed", response=BookingOut)
def mark_missed(request: HttpRequest, booking_id: uuid.UUID) -> BookingOut:
    """appointment:office:manage. The registrant did not come; the case can book again."""
    user = authorize(request.user, Permission.APPOINTMENT_OFFICE_MANAGE)
    booking = get_object_or_404(Booking.objects.select_related("slot__office"), pk=booking_id)
    return _booking(services.mark_missed(user, booking))


@router.post("/appointments/{booking_id}/attended", response=BookingOut)
def mark_attended(request: HttpRequest, booking_id: uuid.UUID) -> BookingOut:
    """appointment:office:manage. The registrant came."""
    user = authorize(request.user, Permission.APPOINTMENT_OFFICE_MANAGE)
    booking = get_object_or_404(Booking.objects.select_related("slot__office"), pk=booking_id)
    return _booking(services.mark_attended(user, booking))
