"""The messages the appointments app sends (apps/outbox): what happened to a
biometrics appointment, and the reminder the day before. Each holds the case number,
the office and the time; no other personal data goes into it."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.appointments.models import Booking
from apps.outbox import kinds
from apps.outbox.kinds import Composed, Gone
from apps.outbox.models import Message
from apps.registrations.notifications import language_for as case_language

BOOKING = "appointments.booking"

SUBJECTS = {
    "booked": _("Your biometrics appointment is booked"),
    "rescheduled": _("Your biometrics appointment has moved"),
    "cancelled": _("Your biometrics appointment is cancelled"),
    "missed": _("You missed your biometrics appointment: book a new one"),
    "reminder": _("Reminder: your biometrics appointment"),
}


def language_for(booking: Booking) -> str:
    """The account's language, else the language the case was filed in."""
    return case_language(booking.registration)


@kinds.kind(BOOKING)
def booking_message(message: Message) -> Composed:
    """Tell whoever filed the case (the registrant, or the guardian of a child) what
    happened to the appointment (params: booking id and event)."""
    event = message.params["event"]
    booking = (
        Booking.objects.select_related("slot__office", "registration")
        .filter(pk=message.params["booking_id"])
        .first()
    )
    if booking is None:
        raise Gone("the booking is gone")
    registration = booking.registration
    # Times are shown in the office's zone: that is where the registrant will be.
    office = booking.slot.office
    with timezone.override(office.tz):
        context = {
            "booking": booking,
            "office": office,
            "starts": booking.slot.local_starts_at,
            "ends": booking.slot.local_ends_at,
            "case_number": registration.case_number,
            "url": settings.SITE_URL + reverse("appointments:booking", args=[booking.id]),
            "book_url": settings.SITE_URL
            + reverse("appointments:choose", args=[registration.case_number]),
        }
        return Composed(
            subject=str(SUBJECTS[event]),
            body=render_to_string(f"appointments/email/{event}.txt", context),
        )
