"""Amal does not come to her appointment. Olu, at the Paterson office, marks it missed
on his day list; Amal's case waits for a new booking, she is told, and she rebooks."""

import pytest
from django.core import mail
from django.test import Client

from apps.accounts.models import User
from apps.appointments import services
from apps.appointments.errors import BookingClosed, TooEarly
from apps.appointments.models import BookingState, Office
from apps.appointments.tests.conftest import (
    Committed,
    at,
    file_case,
    post_json,
    started,
    weekday_ahead,
)
from apps.audit.models import AuditEntry
from apps.registrations.models import CaseState, CaseTransition
from conftest import client_for

pytestmark = pytest.mark.django_db


def test_olu_marks_amal_missed_and_she_books_again(
    amal: User, amal_client: Client, olu: User, paterson: Office, committed: Committed
) -> None:
    case = file_case(amal)
    booking, _ = services.book(
        amal, case, office_code="PAT", starts_at=at(paterson, weekday_ahead(1), "09:00")
    )
    started(booking)
    day = booking.slot.local_starts_at.date()

    office_client = client_for(olu)
    day_list = office_client.get(f"/appointments/offices/PAT/?day={day.isoformat()}")
    assert day_list.status_code == 200
    html = day_list.content.decode()
    assert case.case_number in html
    assert f"/appointments/{booking.id}/missed/" in html

    with committed():
        marked = office_client.post(f"/appointments/{booking.id}/missed/")
    assert marked.status_code == 302
    assert marked.url == f"/appointments/offices/PAT/?day={day.isoformat()}"

    booking.refresh_from_db()
    assert booking.state == BookingState.MISSED
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    last = CaseTransition.objects.filter(registration=case).last()
    assert last is not None
    assert (last.reason, last.actor) == (services.REASON_MISSED, olu)
    entry = AuditEntry.objects.filter(object_type="appointment").latest("seq")
    assert (entry.actor_id, entry.detail["state"]) == (olu.pk, "missed")
    assert [m.subject for m in mail.outbox] == [
        "You missed your biometrics appointment: book a new one"
    ]

    # Amal sees the missed appointment and a way to book again.
    page = amal_client.get(f"/appointments/{booking.id}/").content.decode()
    assert 'data-state="missed"' in page
    assert f"/appointments/cases/{case.case_number}/" in page
    rebooked = post_json(
        amal_client,
        "/api/v1/appointments",
        {
            "case_number": case.case_number,
            "office": "PAT",
            "starts_at": at(paterson, weekday_ahead(1, weeks=1), "10:00").isoformat(),
        },
    )
    assert rebooked.status_code == 201, rebooked.content
    case.refresh_from_db()
    assert case.state == CaseState.BIOMETRICS_SCHEDULED


def test_the_office_cannot_mark_missed_before_the_start(
    amal: User, olu: User, paterson: Office
) -> None:
    case = file_case(amal)
    booking, _ = services.book(
        amal, case, office_code="PAT", starts_at=at(paterson, weekday_ahead(2), "09:00")
    )
    with pytest.raises(TooEarly):
        services.mark_missed(olu, booking)
    response = post_json(client_for(olu), f"/api/v1/appointments/{booking.id}/missed", None)
    assert response.status_code == 409
    assert response.json()["code"] == "too_early"
    booking.refresh_from_db()
    assert booking.state == BookingState.BOOKED


def test_an_attended_appointment_is_not_missed(amal: User, olu: User, paterson: Office) -> None:
    case = file_case(amal)
    booking, _ = services.book(
        amal, case, office_code="PAT", starts_at=at(paterson, weekday_ahead(3), "09:00")
    )
    with pytest.raises(TooEarly):
        services.mark_attended(olu, booking)
    started(booking)
    response = post_json(client_for(olu), f"/api/v1/appointments/{booking.id}/attended", None)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "attended"
    assert services.mark_attended(olu, booking).state == BookingState.ATTENDED  # idempotent
    with pytest.raises(BookingClosed):
        services.mark_missed(olu, booking)
    case.refresh_from_db()
    # Capturing the biometrics, not the arrival, moves the case on.
    assert case.state == CaseState.BIOMETRICS_SCHEDULED
    listed = client_for(olu).get(
        f"/api/v1/offices/PAT/appointments?day={booking.slot.local_starts_at.date()}"
    )
    assert [(e["case_number"], e["state"]) for e in listed.json()] == [
        (case.case_number, "attended")
    ]
