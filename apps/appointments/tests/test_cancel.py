"""Amal cancels her appointment: the place goes back to others, her case waits for a
new booking, and she is told so."""

import pytest
from django.core import mail
from django.test import Client

from apps.accounts.models import User
from apps.appointments import services
from apps.appointments.errors import BookingClosed, NotBookable
from apps.appointments.models import BookingState, Office
from apps.appointments.tests.conftest import (
    Committed,
    at,
    file_case,
    post_json,
    started,
    weekday_ahead,
)
from apps.registrations import casework
from apps.registrations.models import CaseState, CaseTransition
from apps.registrations.reasons import Decision

pytestmark = pytest.mark.django_db


def test_amal_cancels_on_the_page(
    amal: User, amal_client: Client, paterson: Office, committed: Committed
) -> None:
    case = file_case(amal)
    booking, _ = services.book(
        amal, case, office_code="PAT", starts_at=at(paterson, weekday_ahead(1), "09:00")
    )
    assert booking.slot.booked == 1
    with committed():
        response = amal_client.post(f"/appointments/{booking.id}/cancel/")
    assert response.status_code == 302
    assert response.url == f"/cases/{case.case_number}/"

    booking.refresh_from_db()
    booking.slot.refresh_from_db()
    assert booking.state == BookingState.CANCELLED
    assert booking.slot.booked == 0
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    last = CaseTransition.objects.filter(registration=case).last()
    assert last is not None
    assert last.reason == services.REASON_CANCELLED
    assert [m.subject for m in mail.outbox] == ["Your biometrics appointment is cancelled"]
    assert f"/appointments/cases/{case.case_number}/" in mail.outbox[0].body

    # She can book again at once, even the same time.
    again, created = services.book(amal, case, office_code="PAT", starts_at=booking.slot.starts_at)
    assert created
    assert again.pk != booking.pk


def test_cancelling_twice_is_harmless(amal: User, amal_client: Client, paterson: Office) -> None:
    case = file_case(amal)
    booking, _ = services.book(
        amal, case, office_code="PAT", starts_at=at(paterson, weekday_ahead(2), "11:00")
    )
    first = post_json(amal_client, f"/api/v1/appointments/{booking.id}/cancel", None)
    second = post_json(amal_client, f"/api/v1/appointments/{booking.id}/cancel", None)
    assert first.status_code == second.status_code == 200
    assert second.json()["state"] == "cancelled"
    booking.slot.refresh_from_db()
    assert booking.slot.booked == 0
    assert CaseTransition.objects.filter(registration=case, to_state="submitted").count() == 2


def test_an_appointment_that_has_started_cannot_be_cancelled(
    amal: User, amal_client: Client, paterson: Office
) -> None:
    case = file_case(amal)
    booking, _ = services.book(
        amal, case, office_code="PAT", starts_at=at(paterson, weekday_ahead(3), "10:00")
    )
    started(booking)
    with pytest.raises(BookingClosed):
        services.cancel(amal, booking)
    response = post_json(amal_client, f"/api/v1/appointments/{booking.id}/cancel", None)
    assert response.status_code == 409
    assert response.json()["code"] == "booking_closed"
    booking.refresh_from_db()
    assert booking.state == BookingState.BOOKED


def test_a_decided_case_can_still_free_its_place(amal: User, olu: User, paterson: Office) -> None:
    case = file_case(amal)
    booking, _ = services.book(
        amal, case, office_code="PAT", starts_at=at(paterson, weekday_ahead(4), "10:00")
    )
    casework.decide(olu, case, decision=Decision.REJECT, reason_code="duplicate-filing")
    with pytest.raises(NotBookable):
        services.reschedule(
            amal, booking, office_code="PAT", starts_at=at(paterson, weekday_ahead(4), "11:00")
        )
    cancelled = services.cancel(amal, booking)
    assert cancelled.state == BookingState.CANCELLED
    cancelled.slot.refresh_from_db()
    assert cancelled.slot.booked == 0
    case.refresh_from_db()
    assert case.state == CaseState.REJECTED
