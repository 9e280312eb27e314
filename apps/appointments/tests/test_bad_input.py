"""Bad requests get a 4xx that says what to fix, and write nothing: no slot, no
booking, no case move, no audit entry."""

import json
from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.appointments.models import Booking, Office, Slot
from apps.appointments.tests.conftest import at, file_case, post_json, weekday_ahead
from apps.audit.models import AuditEntry
from apps.registrations.models import CaseTransition, Registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(amal: User, paterson: Office) -> Registration:
    return file_case(amal)


def snapshot() -> tuple[int, ...]:
    return (
        Slot.objects.count(),
        Booking.objects.count(),
        CaseTransition.objects.count(),
        AuditEntry.objects.count(),
    )


def good(case: Registration, paterson: Office) -> dict[str, Any]:
    return {
        "case_number": case.case_number,
        "office": "PAT",
        "starts_at": at(paterson, weekday_ahead(1), "09:00").isoformat(),
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"extra": True}, "extra"),
        ({"starts_at": "2030-01-07T09:00:00"}, "starts_at"),  # no time zone
        ({"starts_at": "next tuesday"}, "starts_at"),
        ({"office": "PAT; DROP TABLE"}, "office"),
        ({"case_number": ""}, "case_number"),
    ],
)
def test_schema_errors(
    amal_client: Client, case: Registration, paterson: Office, change: dict, field: str
) -> None:
    before = snapshot()
    response = post_json(amal_client, "/api/v1/appointments", {**good(case, paterson), **change})
    assert response.status_code == 422
    assert field in response.json()["fields"]
    assert snapshot() == before


def test_malformed_json_and_wrong_content_type(
    amal_client: Client, case: Registration, paterson: Office
) -> None:
    before = snapshot()
    broken = amal_client.post(
        "/api/v1/appointments", '{"office": ', content_type="application/json"
    )
    assert broken.status_code == 400
    text = amal_client.post(
        "/api/v1/appointments", json.dumps(good(case, paterson)), content_type="text/plain"
    )
    assert text.status_code == 415
    assert snapshot() == before


def test_an_unknown_office(amal_client: Client, case: Registration, paterson: Office) -> None:
    before = snapshot()
    response = post_json(
        amal_client, "/api/v1/appointments", {**good(case, paterson), "office": "XYZ"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_office"
    assert "office" in response.json()["fields"]
    assert snapshot() == before


def test_an_unknown_case(amal_client: Client, case: Registration, paterson: Office) -> None:
    before = snapshot()
    missing = post_json(
        amal_client, "/api/v1/appointments", {**good(case, paterson), "case_number": "US2025-NONE"}
    )
    assert missing.status_code == 404
    assert snapshot() == before


def test_a_page_post_without_a_time(amal_client: Client, case: Registration) -> None:
    before = snapshot()
    for form in ({}, {"slot": "PAT|yesterday"}, {"slot": "PAT|2030-01-07T09:00:00"}):
        response = amal_client.post(f"/appointments/cases/{case.case_number}/", form)
        assert response.status_code == 422
        assert b'id="booking-error"' in response.content
    assert snapshot() == before


def test_a_case_that_is_not_waiting_for_an_appointment(
    amal: User, olu: User, amal_client: Client, case: Registration, paterson: Office
) -> None:
    from apps.registrations import casework
    from apps.registrations.reasons import Decision

    casework.decide(olu, case, decision=Decision.REJECT, reason_code="duplicate-filing")
    before = snapshot()
    response = post_json(amal_client, "/api/v1/appointments", good(case, paterson))
    assert response.status_code == 409
    assert response.json()["code"] == "not_bookable"
    page = amal_client.get(f"/appointments/cases/{case.case_number}/")
    assert b'id="not-bookable"' in page.content
    assert snapshot() == before


def test_query_errors(amal_client: Client, paterson: Office) -> None:
    assert amal_client.get("/api/v1/slots?limit=0").status_code == 422
    assert amal_client.get("/api/v1/slots?limit=1000").status_code == 422
    assert amal_client.get("/api/v1/slots?office=a%20b").status_code == 422
    assert amal_client.get("/api/v1/appointments/not-a-uuid").status_code == 422
