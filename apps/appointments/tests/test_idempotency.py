"""Retries book once: the same Idempotency-Key returns the same booking; a key reused
for another time is refused; a repeat of the booking the case holds is harmless."""

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.appointments.models import Booking, Office, Slot
from apps.appointments.tests.conftest import at, book_body, file_case, post_json, weekday_ahead
from apps.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_retry_with_the_same_key_returns_the_same_booking(
    amal: User, amal_client: Client, paterson: Office
) -> None:
    case = file_case(amal)
    body = book_body(case, paterson, at(paterson, weekday_ahead(1), "09:00"))
    first = post_json(amal_client, "/api/v1/appointments", body, **{"Idempotency-Key": "k-1"})
    again = post_json(amal_client, "/api/v1/appointments", body, **{"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Booking.objects.count() == 1
    assert Slot.objects.get().booked == 1
    assert AuditEntry.objects.filter(object_type="appointment").count() == 1


def test_the_same_key_for_another_time_is_a_conflict(
    amal: User, amal_client: Client, paterson: Office
) -> None:
    case = file_case(amal)
    tuesday = weekday_ahead(1)
    post_json(
        amal_client,
        "/api/v1/appointments",
        book_body(case, paterson, at(paterson, tuesday, "09:00")),
        **{"Idempotency-Key": "k-2"},
    )
    other = post_json(
        amal_client,
        "/api/v1/appointments",
        book_body(case, paterson, at(paterson, tuesday, "10:00")),
        **{"Idempotency-Key": "k-2"},
    )
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"
    assert Booking.objects.count() == 1


def test_without_a_key_the_same_time_again_is_harmless_and_another_is_refused(
    amal: User, amal_client: Client, paterson: Office
) -> None:
    case = file_case(amal)
    tuesday = weekday_ahead(1)
    body = book_body(case, paterson, at(paterson, tuesday, "09:00"))
    assert post_json(amal_client, "/api/v1/appointments", body).status_code == 201
    assert post_json(amal_client, "/api/v1/appointments", body).status_code == 200
    second = post_json(
        amal_client,
        "/api/v1/appointments",
        book_body(case, paterson, at(paterson, tuesday, "10:00")),
    )
    assert second.status_code == 409
    assert second.json()["code"] == "already_booked"
    assert Booking.objects.count() == 1


def test_a_double_click_on_the_page_books_once(
    amal: User, amal_client: Client, paterson: Office
) -> None:
    case = file_case(amal)
    form = {
        "slot": f"PAT|{at(paterson, weekday_ahead(2), '11:00').isoformat()}",
        "idempotency_key": "page-render-1",
    }
    first = amal_client.post(f"/appointments/cases/{case.case_number}/", form)
    second = amal_client.post(f"/appointments/cases/{case.case_number}/", form)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Booking.objects.count() == 1


def test_a_retried_move_returns_the_same_new_booking(
    amal: User, amal_client: Client, paterson: Office
) -> None:
    case = file_case(amal)
    thursday = weekday_ahead(3)
    booked = post_json(
        amal_client,
        "/api/v1/appointments",
        book_body(case, paterson, at(paterson, thursday, "09:00")),
    ).json()
    move = {"office": "PAT", "starts_at": at(paterson, thursday, "10:30").isoformat()}
    path = f"/api/v1/appointments/{booked['id']}/reschedule"
    first = post_json(amal_client, path, move, **{"Idempotency-Key": "move-1"})
    again = post_json(amal_client, path, move, **{"Idempotency-Key": "move-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Booking.objects.count() == 2
    assert sorted(Slot.objects.values_list("booked", flat=True)) == [0, 1]
