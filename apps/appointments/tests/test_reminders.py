"""A day before her appointment Amal gets a reminder, once, whoever runs the sweep and
however often. A cancelled appointment, or one booked within the day, gets none."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import Role
from apps.appointments import services
from apps.appointments.models import Booking, Office, Slot
from apps.appointments.tests.conftest import Committed, at, file_case, weekday_ahead
from apps.audit.models import AuditEntry
from conftest import make_user

pytestmark = pytest.mark.django_db


def test_amal_is_reminded_once(amal: User, paterson: Office, committed: Committed) -> None:
    starts = at(paterson, weekday_ahead(1), "09:00")
    booking, _ = services.book(amal, file_case(amal), office_code="PAT", starts_at=starts)
    two_days_before = starts - dt.timedelta(hours=48)
    a_day_before = starts - dt.timedelta(hours=23)

    assert services.claim_due_reminders(now=two_days_before) == []
    with committed():
        claimed = services.claim_due_reminders(now=a_day_before)
    assert [b.pk for b in claimed] == [booking.pk]
    assert [m.subject for m in mail.outbox] == ["Reminder: your biometrics appointment"]
    assert f"/appointments/{booking.id}/" in mail.outbox[0].body
    assert services.claim_due_reminders(now=a_day_before + dt.timedelta(hours=1)) == []

    entry = AuditEntry.objects.filter(object_type="appointment").latest("seq")
    assert (entry.actor_role, entry.detail.get("reminder")) == ("system", True)


def test_no_reminder_for_a_cancelled_or_a_late_booking(amal: User, paterson: Office) -> None:
    starts = at(paterson, weekday_ahead(2), "10:00")
    booking, _ = services.book(amal, file_case(amal), office_code="PAT", starts_at=starts)
    services.cancel(amal, booking)

    bea = make_user(Role.REGISTRANT, "bea")
    late, _ = services.book(bea, file_case(bea), office_code="PAT", starts_at=starts)
    # Bea booked less than a day ahead: her confirmation is her reminder.
    Booking.objects.filter(pk=late.pk).update(created_at=starts - dt.timedelta(hours=5))

    assert services.claim_due_reminders(now=starts - dt.timedelta(hours=4)) == []


def test_the_command_runs_the_sweep_through_the_task_queue(
    amal: User, paterson: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    booking, _ = services.book(
        amal, file_case(amal), office_code="PAT", starts_at=at(paterson, weekday_ahead(1), "09:00")
    )
    # Time passes: the appointment is now twelve hours away, booked days ago.
    soon = timezone.now() + dt.timedelta(hours=12)
    Slot.objects.filter(pk=booking.slot_id).update(starts_at=soon)
    Booking.objects.filter(pk=booking.pk).update(created_at=soon - dt.timedelta(days=3))

    call_command("appointments", "remind")  # the immediate backend runs it at once
    assert "reminder sweep enqueued" in capsys.readouterr().out
    booking.refresh_from_db()
    assert booking.reminded_at is not None
