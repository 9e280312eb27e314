"""A slot never holds more people than its places: the last place goes to one person,
the next one is told the slot was just taken and offered other times, and the database
itself refuses an overbooked slot."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.test import Client

from apps.accounts.models import User
from apps.accounts.permissions import Role
from apps.appointments import services
from apps.appointments.models import Booking, Office, Slot
from apps.appointments.tests.conftest import at, book_body, file_case, post_json, weekday_ahead
from apps.registrations.models import CaseState
from conftest import client_for, make_user

pytestmark = pytest.mark.django_db


def test_the_third_person_is_offered_other_times(paterson: Office) -> None:
    starts = at(paterson, weekday_ahead(1), "09:00")
    amal, bea, carlos = (make_user(Role.REGISTRANT, name) for name in ("amal", "bea", "carlos"))
    services.book(amal, file_case(amal), office_code="PAT", starts_at=starts)
    services.book(bea, file_case(bea), office_code="PAT", starts_at=starts)

    carlos_case = file_case(carlos)
    response = post_json(
        client_for(carlos), "/api/v1/appointments", book_body(carlos_case, paterson, starts)
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "slot_taken"
    assert "just taken" in body["message"]
    assert body["alternatives"]
    assert starts.isoformat() not in {a["starts_at"] for a in body["alternatives"]}
    assert all(a["office"] == "PAT" for a in body["alternatives"])

    assert Slot.objects.get(starts_at=starts).booked == 2
    assert Booking.objects.count() == 2
    carlos_case.refresh_from_db()
    assert carlos_case.state == CaseState.SUBMITTED


def test_the_page_shows_the_alternatives(brooklyn: Office) -> None:
    starts = at(brooklyn, weekday_ahead(2), "10:00")
    bea = make_user(Role.REGISTRANT, "bea")
    services.book(bea, file_case(bea), office_code="BKN", starts_at=starts)
    amal = make_user(Role.REGISTRANT)
    case = file_case(amal)
    client: Client = client_for(amal)
    response = client.post(
        f"/appointments/cases/{case.case_number}/",
        {"slot": f"BKN|{starts.isoformat()}", "idempotency_key": "k"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-code="slot_taken"' in html
    assert 'name="slot"' in html  # other times to choose from, on the same page


def test_the_database_refuses_an_overbooked_slot(amal: User, brooklyn: Office) -> None:
    services.book(
        amal, file_case(amal), office_code="BKN", starts_at=at(brooklyn, weekday_ahead(3), "09:00")
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.update(booked=F("booked") + 1)


def test_one_active_appointment_per_case_is_a_database_rule(amal: User, paterson: Office) -> None:
    case = file_case(amal)
    booking, _ = services.book(
        amal, case, office_code="PAT", starts_at=at(paterson, weekday_ahead(4), "09:00")
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(registration=case, slot=booking.slot)
