"""Appointment work run by the task worker: the reminder sweep (the schedule runs it;
see apps/jobs/schedule.py), and the e-mail task of the code before the outbox."""

from django.db import transaction
from django_tasks import task

from apps.appointments.models import Booking


@task()
def send_appointment_email(booking_id: str, kind: str) -> None:
    """Tasks enqueued before the outbox (issue 20) still run: the message goes to the
    outbox. Remove once no deployment has such a task left in its queue."""
    from apps.appointments.notifications import BOOKING
    from apps.appointments.services import notify
    from apps.outbox.services import already_queued

    with transaction.atomic():
        booking = Booking.objects.select_related("registration__filed_by").filter(pk=booking_id)
        if booking.exists() and not already_queued(BOOKING, booking_id=booking_id, event=kind):
            notify(booking.get(), kind)


@task()
def send_due_reminders() -> int:
    """Send the reminders that are due; run it every hour or so (`manage.py
    appointments remind` enqueues it). Returns how many were claimed."""
    from apps.appointments import services

    return len(services.claim_due_reminders())
