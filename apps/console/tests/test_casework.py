"""At Amal's appointment Olu checks her passport, records the interview and moves the
case on. Every decision against her carries a reason she can read, in Spanish (her
language), with how to respond; a decision without one is refused."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts.models import User
from apps.appointments import services as appointments
from apps.appointments.tests.conftest import at, make_office, weekday_ahead
from apps.console import services
from apps.registrations import casework
from apps.registrations.models import CaseNote, CaseState, Departure, Registration

from .conftest import move

pytestmark = pytest.mark.django_db


def post(client: Client, registration: Registration, action: str, **data: str) -> Any:
    return client.post(f"/console/cases/{registration.case_number}/{action}/", data)


def state_of(registration: Registration) -> str:
    registration.refresh_from_db()
    return registration.state


def test_olu_records_the_appointment_after_checking_the_passport(
    olu_client: Client, olu: User, amal: User, amal_case: Registration
) -> None:
    newark = make_office("NWK", name="Newark Field Office")
    booking, _ = appointments.book(
        amal, amal_case, office_code="NWK", starts_at=at(newark, weekday_ahead(0), "09:00")
    )
    page = olu_client.get(f"/console/cases/{amal_case.case_number}/").content.decode()
    assert 'id="interview"' in page
    assert booking.reference in page

    unchecked = post(olu_client, amal_case, "interview", notes="Seen.")
    assert unchecked.status_code == 422
    assert "Check the identity document" in unchecked.content.decode()
    assert state_of(amal_case) == CaseState.BIOMETRICS_SCHEDULED

    done = post(
        olu_client, amal_case, "interview", document_checked="on", notes="Passport matches."
    )
    assert done.status_code == 302
    # Nothing was photographed or fingerprinted yet: the state says so.
    assert state_of(amal_case) == CaseState.BIOMETRICS_SCHEDULED
    note = CaseNote.objects.get(registration=amal_case)
    assert b"Passport matches" not in bytes(note.text_sealed)  # sealed, not stored in clear
    booking.refresh_from_db()
    assert booking.state == "booked"  # she came days early: the office closes it on the day
    after = olu_client.get(done["Location"]).content.decode()
    assert "The appointment was recorded." in after
    assert 'id="interview-recorded"' in after
    assert "<form" not in after.split('id="interview"')[1].split("</section>")[0]

    # A retried post writes nothing more.
    again = post(olu_client, amal_case, "interview", document_checked="on", notes="Again.")
    assert again.status_code == 302
    assert CaseNote.objects.filter(registration=amal_case).count() == 1

    # Only the capture moves the case on.
    casework.record_biometrics(olu, amal_case)
    assert state_of(amal_case) == CaseState.BIOMETRICS_CAPTURED


def test_on_the_day_recording_the_appointment_marks_amal_as_come(
    olu: User, amal: User, amal_case: Registration
) -> None:
    newark = make_office("NWK", name="Newark Field Office")
    starts = at(newark, weekday_ahead(2), "10:00")
    booking, _ = appointments.book(amal, amal_case, office_code="NWK", starts_at=starts)
    services.record_appointment(
        olu, amal_case, notes="", document_checked=True, now=starts + dt.timedelta(minutes=5)
    )
    booking.refresh_from_db()
    assert booking.state == "attended"
    assert state_of(amal_case) == CaseState.BIOMETRICS_SCHEDULED


def test_an_appointment_is_recorded_only_while_the_case_waits_for_it(
    olu_client: Client, amal_case: Registration
) -> None:
    refused = post(olu_client, amal_case, "interview", document_checked="on", notes="")
    assert refused.status_code == 409
    assert "An appointment is recorded while the case waits for it" in refused.content.decode()
    assert not CaseNote.objects.filter(registration=amal_case).exists()


def test_registering_needs_no_reason(olu_client: Client, amal_case: Registration) -> None:
    move(amal_case, CaseState.BIOMETRICS_CAPTURED)
    response = post(olu_client, amal_case, "decision", decision="register")
    assert response.status_code == 302
    assert state_of(amal_case) == CaseState.REGISTERED


def test_a_rejection_without_a_reason_the_registrant_can_read_is_refused(
    olu_client: Client, amal_case: Registration
) -> None:
    move(amal_case, CaseState.BIOMETRICS_CAPTURED)
    refused = post(olu_client, amal_case, "decision", decision="reject", note="No.")
    assert refused.status_code == 422
    assert "A reason the registrant can read is required." in refused.content.decode()
    assert state_of(amal_case) == CaseState.BIOMETRICS_CAPTURED

    # a reason meant for another decision does not do either
    wrong = post(
        olu_client, amal_case, "decision", decision="reject", reason_code="entry-details-unclear"
    )
    assert wrong.status_code in (400, 422)
    assert state_of(amal_case) == CaseState.BIOMETRICS_CAPTURED

    done = post(
        olu_client, amal_case, "decision", decision="reject", reason_code="duplicate-filing"
    )
    assert done.status_code == 302
    assert state_of(amal_case) == CaseState.REJECTED
    assert amal_case.transitions.last().reason == "duplicate-filing"  # type: ignore[union-attr]


def test_a_request_for_evidence_offers_only_its_own_reasons(
    olu_client: Client, amal_case: Registration
) -> None:
    html = olu_client.get(f"/console/cases/{amal_case.case_number}/").content.decode()
    evidence = html[html.index('id="decision-request_evidence"') :]
    evidence = evidence[: evidence.index("</section>")]
    assert 'value="entry-details-unclear"' in evidence
    assert 'value="identity-not-established"' in evidence
    assert 'value="duplicate-filing"' not in evidence  # a rejection reason only

    response = post(
        olu_client,
        amal_case,
        "decision",
        decision="request_evidence",
        reason_code="entry-details-unclear",
    )
    assert response.status_code == 302
    assert state_of(amal_case) == CaseState.EVIDENCE_REQUESTED


def test_olu_sees_what_amal_will_read_in_her_language(
    olu_client: Client, amal_case: Registration
) -> None:
    assert amal_case.language == "es"
    html = olu_client.get(f"/console/cases/{amal_case.case_number}/").content.decode()
    assert "What the registrant will read (in Spanish)" in html
    assert "No pudimos confirmar su identidad con los documentos que presentó." in html
    # the officer's own page stays in the officer's language
    assert "We could not confirm your identity" in html


def test_only_the_moves_the_state_machine_allows_are_offered_or_accepted(
    olu_client: Client, amal_case: Registration
) -> None:
    html = olu_client.get(f"/console/cases/{amal_case.case_number}/").content.decode()
    assert 'id="decision-register"' not in html  # not before the biometrics
    response = post(olu_client, amal_case, "decision", decision="register")
    assert response.status_code == 409
    assert state_of(amal_case) == CaseState.SUBMITTED
    assert post(olu_client, amal_case, "decision", decision="approve").status_code == 400


def test_an_officer_at_the_port_records_amals_departure(
    olu_client: Client, amal_case: Registration
) -> None:
    move(amal_case, CaseState.REGISTERED)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    future = post(olu_client, amal_case, "departure", departed_on=tomorrow.isoformat(), port="JFK")
    assert future.status_code == 422
    assert state_of(amal_case) == CaseState.REGISTERED

    done = post(
        olu_client,
        amal_case,
        "departure",
        departed_on=timezone.localdate().isoformat(),
        port="JFK Airport",
    )
    assert done.status_code == 302
    assert state_of(amal_case) == CaseState.DEPARTED
    departure = Departure.objects.get(registration=amal_case)
    assert b"JFK" not in bytes(departure.port_sealed)


def test_nothing_is_half_done_when_a_decision_fails(
    olu_client: Client, amal_case: Registration
) -> None:
    """The move is written before the note; a note that is too long undoes the move."""
    move(amal_case, CaseState.BIOMETRICS_CAPTURED)
    transitions = amal_case.transitions.count()
    response = post(
        olu_client,
        amal_case,
        "decision",
        decision="reject",
        reason_code="duplicate-filing",
        note="x" * 5000,
    )
    assert response.status_code == 422
    assert state_of(amal_case) == CaseState.BIOMETRICS_CAPTURED
    assert amal_case.transitions.count() == transitions
    assert not CaseNote.objects.filter(registration=amal_case).exists()
