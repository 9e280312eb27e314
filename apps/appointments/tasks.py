"""Appointment e-mails and reminders, run by the task worker after the booking commits."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from apps.appointments.models import Booking

SUBJECTS = {
    "booked": _("Your biometrics appointment is booked"),
    "rescheduled": _("Your biometrics appointment has moved"),
    "cancelled": _("Your biometrics appointment is cancelled"),
    "missed": _("You missed your biometrics appointment: book a new one"),
    "reminder": _("Reminder: your biometrics appointment"),
}


def language_for(booking: Booking) -> str:
    """The account's language, else the language the case was filed in."""
    supported = {code for code, _name in settings.LANGUAGES}
    for language in (
        booking.registration.filed_by.preferred_language,
        booking.registration.language,
    ):
        if language in supported:
            return language
    return str(settings.LANGUAGE_CODE)


@task()
def send_appointment_email(booking_id: str, kind: str) -> None:
    """Tell whoever filed the case (the registrant, or the guardian of a child) what
    happened to the appointment, in their language. Holds the case number, the office
    and the time; no other personal data goes into the e-mail."""
    booking = Booking.objects.select_related("slot__office", "registration__filed_by").get(
        pk=booking_id
    )
    registration = booking.registration
    # Times are shown in the office's zone: that is where the registrant will be.
    office = booking.slot.office
    with translation.override(language_for(booking)), timezone.override(office.tz):
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
        send_mail(
            subject=str(SUBJECTS[kind]),
            message=render_to_string(f"appointments/email/{kind}.txt", context),
            from_email=None,
            recipient_list=[registration.filed_by.email],
        )


@task()
def send_due_reminders() -> int:
    """Send the reminders that are due; run it every hour or so (`manage.py
    appointments remind` enqueues it). Returns how many were claimed."""
    from apps.appointments import services

    return len(services.claim_due_reminders())
