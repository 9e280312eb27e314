"""Appointment pages. Each view: authorize, call one service, render.

Registrants choose, print, move and cancel their appointment; office staff see a day's
appointments and record who came and who did not.
"""

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.models import User
from apps.accounts.permissions import Permission
from apps.accounts.policies import authorize
from apps.appointments import availability, services
from apps.appointments.errors import WithAlternatives
from apps.appointments.models import Booking, BookingState, Office
from apps.registrations.lookups import case_for
from apps.registrations.models import CaseState
from registry.errors import DomainError, FormInvalid

MAX_KEY = 128


def choose(request: HttpRequest, case_number: str) -> HttpResponse:
    """Offer the earliest free times and book one. A case that holds an appointment
    is shown that appointment instead."""
    user, registration = case_for(request.user, Permission.APPOINTMENT_BOOK_OWN, case_number)
    active = Booking.objects.filter(registration=registration, state=BookingState.BOOKED).first()
    if active is not None and request.method != "POST":
        return redirect("appointments:booking", booking_id=active.id)
    error: DomainError | None = None
    if request.method == "POST":
        try:
            office_code, starts_at = _chosen_slot(request)
            booking, _created = services.book(
                user,
                registration,
                office_code=office_code,
                starts_at=starts_at,
                idempotency_key=_idempotency_key(request),
            )
            return redirect("appointments:booking", booking_id=booking.id)
        except DomainError as exc:
            error = exc
    context = {
        "registration": registration,
        "can_book": registration.state == CaseState.SUBMITTED,
        **_slot_context(request, error),
    }
    return render(
        request, "appointments/choose.html", context, status=error.status if error else 200
    )


def booking_page(request: HttpRequest, booking_id: uuid.UUID) -> HttpResponse:
    """The confirmation: a page made to be printed or shown on a phone."""
    _user, booking = _own_booking(request, booking_id)
    replaced_by = Booking.objects.filter(replaces=booking).first()
    return render(
        request,
        "appointments/booking.html",
        {"booking": booking, "office": booking.slot.office, "replaced_by": replaced_by},
    )


def change(request: HttpRequest, booking_id: uuid.UUID) -> HttpResponse:
    """Move the appointment to another free time, or cancel it."""
    user, booking = _own_booking(request, booking_id)
    # A POST goes to the service even for a booking already moved: a double click
    # carries the same idempotency key and gets the booking the first click made.
    if booking.state != BookingState.BOOKED and request.method != "POST":
        return redirect("appointments:booking", booking_id=booking.id)
    error: DomainError | None = None
    if request.method == "POST":
        try:
            office_code, starts_at = _chosen_slot(request)
            new, _created = services.reschedule(
                user,
                booking,
                office_code=office_code,
                starts_at=starts_at,
                idempotency_key=_idempotency_key(request),
            )
            return redirect("appointments:booking", booking_id=new.id)
        except DomainError as exc:
            error = exc
    context = {"booking": booking, "office": booking.slot.office, **_slot_context(request, error)}
    return render(
        request, "appointments/change.html", context, status=error.status if error else 200
    )


@require_POST
def cancel(request: HttpRequest, booking_id: uuid.UUID) -> HttpResponse:
    user, booking = _own_booking(request, booking_id)
    try:
        services.cancel(user, booking)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("appointments:booking", booking_id=booking.id)
    messages.success(request, _("The appointment is cancelled. You can book a new one."))
    return redirect("registrations:case", case_number=booking.registration.case_number)


def offices(request: HttpRequest) -> HttpResponse:
    """Staff: the offices, each linking to today's appointments."""
    authorize(request.user, Permission.APPOINTMENT_OFFICE_MANAGE)
    return render(
        request, "appointments/offices.html", {"offices": Office.objects.filter(active=True)}
    )


def day(request: HttpRequest, office_code: str) -> HttpResponse:
    """Staff: an office's appointments on one day (its local today unless ?day=)."""
    authorize(request.user, Permission.APPOINTMENT_OFFICE_MANAGE)
    office = get_object_or_404(Office, code=office_code)
    shown = _day_param(request, office)
    context = {
        "office": office,
        "day": shown,
        "previous": shown - dt.timedelta(days=1),
        "next": shown + dt.timedelta(days=1),
        "bookings": availability.bookings_on(office, shown),
    }
    return render(request, "appointments/day.html", context)


@require_POST
def missed(request: HttpRequest, booking_id: uuid.UUID) -> HttpResponse:
    return _record_outcome(request, booking_id, services.mark_missed)


@require_POST
def attended(request: HttpRequest, booking_id: uuid.UUID) -> HttpResponse:
    return _record_outcome(request, booking_id, services.mark_attended)


def _record_outcome(request: HttpRequest, booking_id: uuid.UUID, mark: Any) -> HttpResponse:
    user = authorize(request.user, Permission.APPOINTMENT_OFFICE_MANAGE)
    booking = get_object_or_404(Booking.objects.select_related("slot__office"), pk=booking_id)
    try:
        mark(user, booking)
    except DomainError as error:
        messages.error(request, error.message)
    office = booking.slot.office
    url = redirect("appointments:day", office_code=office.code).url
    return redirect(f"{url}?day={booking.slot.local_starts_at.date().isoformat()}")


def _own_booking(request: HttpRequest, booking_id: uuid.UUID) -> tuple[User, Booking]:
    authorize(request.user, Permission.APPOINTMENT_BOOK_OWN)
    booking = get_object_or_404(
        Booking.objects.select_related("slot__office", "registration__person"), pk=booking_id
    )
    user = authorize(request.user, Permission.APPOINTMENT_BOOK_OWN, booking.registration)
    return user, booking


def _slot_context(request: HttpRequest, error: DomainError | None) -> dict[str, Any]:
    """The free times to offer (the error's alternatives after a failed attempt), the
    filters, and a fresh idempotency key so a double click books once."""
    region = request.GET.get("region", "")[:16]
    office_code = request.GET.get("office", "")[:32]
    if isinstance(error, WithAlternatives):
        slots = list(error.alternatives)
    else:
        slots = availability.free_slots(region=region or None, office_code=office_code or None)
    active = Office.objects.filter(active=True)
    return {
        "slots": slots,
        "error": error,
        "region": region,
        "office_code": office_code,
        "regions": sorted(set(active.exclude(region="").values_list("region", flat=True))),
        "offices": active,
        "horizon_days": availability.HORIZON.days,
        "idempotency_key": uuid.uuid4().hex,
    }


def _chosen_slot(request: HttpRequest) -> tuple[str, dt.datetime]:
    """The slot a page form names as "office|UTC start" (see FreeSlot.token)."""
    office_code, _sep, start = request.POST.get("slot", "").partition("|")
    try:
        starts_at = parse_datetime(start)
    except ValueError:
        starts_at = None
    if not office_code or starts_at is None or timezone.is_naive(starts_at):
        raise FormInvalid(
            _("Choose one of the free times."), fields={"slot": [_("Choose a time.")]}
        )
    return office_code, starts_at


def _idempotency_key(request: HttpRequest) -> str | None:
    key = request.POST.get("idempotency_key", "").strip()
    if len(key) > MAX_KEY:
        raise FormInvalid(_("The form is damaged; reload the page and try again."))
    return key or None


def _day_param(request: HttpRequest, office: Office) -> dt.date:
    raw = request.GET.get("day", "")
    try:
        parsed = parse_date(raw) if raw else None
    except ValueError:
        parsed = None
    return parsed or timezone.now().astimezone(office.tz).date()
