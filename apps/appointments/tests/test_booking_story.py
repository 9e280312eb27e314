"""Amal files her registration, is offered the earliest free times, books one, and
gets a confirmation she can print and an e-mail in her language."""

import re

import pytest
from django.core import mail
from django.test import Client

from apps.accounts.models import User
from apps.accounts.permissions import Role
from apps.appointments.models import Booking, BookingState, Office, Slot
from apps.appointments.tests.conftest import (
    Committed,
    at,
    book_body,
    file_case,
    post_json,
    weekday_ahead,
)
from apps.audit.models import AuditEntry
from apps.audit.services import verify
from apps.registrations.models import CaseState, CaseTransition
from conftest import CHILD_FORM, client_for, make_user

pytestmark = pytest.mark.django_db

SPANISH_MONTHS = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]


def test_amal_chooses_a_time_on_the_page_and_prints_her_confirmation(
    amal: User, amal_client: Client, paterson: Office, brooklyn: Office
) -> None:
    case = file_case(amal)
    page = amal_client.get(f"/appointments/cases/{case.case_number}/")
    assert page.status_code == 200
    offered = re.findall(r'name="slot" id="slot-\d+" value="([^"]+)"', page.content.decode())
    assert offered, "free times are offered after submitting"
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.content.decode())
    assert key

    chosen = offered[0]
    booked = amal_client.post(
        f"/appointments/cases/{case.case_number}/",
        {"slot": chosen, "idempotency_key": key.group(1)},
    )
    assert booked.status_code == 302
    booking = Booking.objects.get(registration=case)
    assert booked.url == f"/appointments/{booking.id}/"
    assert booking.state == BookingState.BOOKED
    assert booking.slot.booked == 1

    case.refresh_from_db()
    assert case.state == CaseState.BIOMETRICS_SCHEDULED
    assert case.office_code == booking.slot.office.code
    move = CaseTransition.objects.filter(registration=case).last()
    assert move is not None
    assert (move.from_state, move.to_state) == (CaseState.SUBMITTED, CaseState.BIOMETRICS_SCHEDULED)

    confirmation = amal_client.get(booked.url)
    html = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert case.case_number in html
    assert booking.slot.office.name in html
    assert "window.print()" in html
    assert "@media print" in html

    # Coming back to book shows the appointment she holds instead of new times.
    again = amal_client.get(f"/appointments/cases/{case.case_number}/")
    assert again.status_code == 302
    assert again.url == booked.url


def test_amal_books_through_the_api_and_gets_an_email(
    amal: User, amal_client: Client, paterson: Office, committed: Committed
) -> None:
    case = file_case(amal)
    slots = amal_client.get("/api/v1/slots?office=PAT&limit=3").json()
    assert len(slots) == 3
    assert [s["starts_at"] for s in slots] == sorted(s["starts_at"] for s in slots)
    assert all(s["office"] == "PAT" and s["places"] == 2 for s in slots)

    first = slots[0]
    with committed():
        response = post_json(
            amal_client,
            "/api/v1/appointments",
            {"case_number": case.case_number, "office": "PAT", "starts_at": first["starts_at"]},
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "booked"
    assert body["case_number"] == case.case_number
    assert body["local_starts_at"] == first["local_starts_at"]

    # One place is gone from that slot.
    after = amal_client.get("/api/v1/slots?office=PAT&limit=1").json()[0]
    assert (after["starts_at"], after["places"]) == (first["starts_at"], 1)

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [amal.email]
    assert email.subject == "Your biometrics appointment is booked"
    assert case.case_number in email.body
    assert paterson.name in email.body
    assert f"/appointments/{body['id']}/" in email.body

    listed = amal_client.get(f"/api/v1/appointments?case_number={case.case_number}").json()
    assert [b["id"] for b in listed] == [body["id"]]
    assert amal_client.get(f"/api/v1/appointments/{body['id']}").json()["state"] == "booked"


def test_the_email_speaks_spanish_to_a_spanish_speaker(
    paterson: Office, committed: Committed
) -> None:
    lucia = make_user(Role.REGISTRANT, "lucia")
    lucia.preferred_language = "es"
    lucia.save()
    case = file_case(lucia)
    monday = weekday_ahead(0)
    with committed():
        response = post_json(
            client_for(lucia),
            "/api/v1/appointments",
            book_body(case, paterson, at(paterson, monday, "09:30")),
        )
    assert response.status_code == 201, response.content
    body = mail.outbox[0].body.lower()
    # Spanish day and month names and a 24-hour clock.
    assert "lunes" in body
    assert SPANISH_MONTHS[monday.month - 1] in body
    assert "09:30" in body
    assert "monday" not in body


def test_the_audit_log_records_the_booking_without_personal_data(
    amal: User, amal_client: Client, paterson: Office
) -> None:
    case = file_case(amal)
    starts = at(paterson, weekday_ahead(2), "10:00")
    post_json(amal_client, "/api/v1/appointments", book_body(case, paterson, starts))
    entry = AuditEntry.objects.get(subject_id=case.person_id, object_type="appointment")
    assert entry.action == "create"
    assert entry.actor_id == amal.pk
    assert set(entry.detail) == {"state", "office", "starts_at"}
    assert entry.detail["office"] == "PAT"
    assert verify().ok


def test_gabriela_books_for_her_son_and_amal_cannot_see_it(
    gabriela: User, amal_client: Client, paterson: Office, committed: Committed
) -> None:
    son = file_case(gabriela, for_child=True, data=CHILD_FORM)
    client = client_for(gabriela)
    starts = at(paterson, weekday_ahead(3), "11:00")
    with committed():
        response = post_json(client, "/api/v1/appointments", book_body(son, paterson, starts))
    assert response.status_code == 201, response.content
    booking_id = response.json()["id"]
    assert client.get(f"/appointments/{booking_id}/").status_code == 200
    # The notice goes to the guardian who filed.
    assert mail.outbox[0].to == [gabriela.email]

    assert amal_client.get(f"/appointments/{booking_id}/").status_code == 404
    assert amal_client.get(f"/api/v1/appointments/{booking_id}").status_code == 404
    taken = post_json(amal_client, "/api/v1/appointments", book_body(son, paterson, starts))
    assert taken.status_code == 404
    assert Slot.objects.get().booked == 1
