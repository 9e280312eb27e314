"""Olu sees Amal at her appointment, asks for evidence, then registers her; later Amal
moves and leaves the country. Every step is in the history she reads."""

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from apps.accounts.models import User
from apps.appointments.services import REASON_BOOKED
from apps.audit.services import verify
from apps.registrations import access, casework, services
from apps.registrations.models import AddressChange, CaseState, Registration
from apps.registrations.reasons import Decision, reason_for_reader
from apps.vault import services as vault
from conftest import VALID_FORM
from registry.errors import FormInvalid

pytestmark = pytest.mark.django_db


def filed(amal: User) -> Registration:
    case, _ = services.file_registration(
        amal, program_slug="us-2025", for_child=False, data=VALID_FORM, language="es",
        idempotency_key=None,
    )  # fmt: skip
    return case


def at_appointment(amal: User, olu: User) -> Registration:
    """Amal came: Olu recorded the interview, then took her photo and fingerprints
    (apps.biometrics does that through `record_biometrics`)."""
    case = filed(amal)
    casework.schedule_biometrics(olu, case, office_code="NWK", reason="booked")
    casework.record_interview(olu, case, notes="Passport checked.", document_checked=True)
    case.refresh_from_db()
    assert case.state == CaseState.BIOMETRICS_SCHEDULED  # an interview captures nothing
    return casework.record_biometrics(olu, case)


def test_the_interview_needs_the_document_checked(amal: User, olu: User) -> None:
    case = filed(amal)
    casework.schedule_biometrics(olu, case, office_code="NWK", reason="booked")
    with pytest.raises(FormInvalid):
        casework.record_interview(olu, case, notes="", document_checked=False)
    case.refresh_from_db()
    assert case.state == CaseState.BIOMETRICS_SCHEDULED


def test_a_request_for_evidence_needs_a_reason_amal_can_read(
    amal: User, olu: User, amal_client: Client
) -> None:
    case = at_appointment(amal, olu)
    with pytest.raises(FormInvalid):
        casework.decide(olu, case, decision=Decision.REQUEST_EVIDENCE)
    with pytest.raises(FormInvalid):  # a reason meant for another decision
        casework.decide(
            olu, case, decision=Decision.REQUEST_EVIDENCE, reason_code="duplicate-filing"
        )
    casework.decide(
        olu, case, decision=Decision.REQUEST_EVIDENCE, reason_code="entry-details-unclear"
    )
    page = amal_client.get(
        f"/cases/{case.case_number}/", headers={"Accept-Language": "es"}
    ).content.decode()
    assert "Evidencia solicitada" in page or "evidence_requested" in page
    assert "entrada" in page  # the reason, in Spanish
    assert "30" in page  # how to respond

    responded = amal_client.post(f"/cases/{case.case_number}/evidence-response/")
    assert responded.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_olu_registers_amal_and_the_notes_stay_sealed(amal: User, olu: User) -> None:
    case = at_appointment(amal, olu)
    casework.decide(olu, case, decision=Decision.REGISTER)
    case.refresh_from_db()
    assert case.state == CaseState.REGISTERED
    note = case.notes.get()
    assert b"Passport" not in bytes(note.text_sealed)
    notes = access.read_case_notes(olu, case, access.StatedPurpose("case-processing"))
    assert notes[0]["text"] == "Passport checked."
    states = list(case.transitions.values_list("to_state", flat=True))
    assert states == ["submitted", "biometrics_scheduled", "biometrics_captured", "registered"]
    assert verify().ok


def test_a_rejection_cannot_be_undone_by_a_later_move(amal: User, olu: User) -> None:
    case = at_appointment(amal, olu)
    casework.decide(olu, case, decision=Decision.REJECT, reason_code="duplicate-filing")
    with pytest.raises(casework.InvalidTransition):
        casework.decide(olu, case, decision=Decision.REGISTER)


def test_only_a_confirmed_duplicate_is_rejected_as_a_duplicate_registration(
    amal: User, olu: User
) -> None:
    """The reason tells Amal an officer and a supervisor found her already registered:
    without such a finding (apps.biometrics) an officer cannot give it."""
    from registry.errors import Conflict

    case = at_appointment(amal, olu)
    with pytest.raises(Conflict, match="duplicate registration"):
        casework.decide(olu, case, decision=Decision.REJECT, reason_code="duplicate-registration")
    case.refresh_from_db()
    assert case.state != CaseState.REJECTED
    casework.decide(olu, case, decision=Decision.REJECT, reason_code="duplicate-filing")


def test_a_late_address_report_is_accepted_and_marked(amal: User, amal_client: Client) -> None:
    case = filed(amal)
    moved = timezone.localdate() - dt.timedelta(days=25)
    response = amal_client.post(
        f"/api/v1/registrations/{case.case_number}/address",
        json.dumps(
            {
                "address": {"line1": "9 Oak Ave", "city": "Trenton", "country": "US"},
                "moved_on": moved.isoformat(),
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["late"] is True
    change = AddressChange.objects.get()
    assert b"Oak" not in bytes(change.address_sealed)
    address = vault.open_json(case.person_id, casework.ADDRESS_LABEL, change.address_sealed)
    assert address["line1"] == "9 Oak Ave"


def test_an_address_report_on_time_is_not_late(amal: User) -> None:
    case = filed(amal)
    change = casework.report_address_change(
        amal,
        case.person,
        address={"line1": "9 Oak Ave", "city": "Trenton", "country": "US"},
        moved_on=timezone.localdate() - dt.timedelta(days=3),
    )
    assert change.late is False


@pytest.mark.parametrize(
    "body",
    [
        {"address": {"line1": "x"}, "moved_on": "2020-01-01"},
        {"address": {"line1": "9 Oak", "city": "T", "country": "ZZ"}, "moved_on": "2020-01-01"},
        {"address": {"line1": "9 Oak", "city": "T", "country": "US"}, "moved_on": "2999-01-01"},
        {
            "address": {"line1": "9 Oak", "city": "T", "country": "US", "gps": "1,2"},
            "moved_on": "2020-01-01",
        },
    ],
)
def test_bad_address_reports_write_nothing(amal: User, amal_client: Client, body: Any) -> None:
    case = filed(amal)
    response = amal_client.post(
        f"/api/v1/registrations/{case.case_number}/address",
        json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert not AddressChange.objects.exists()


def test_amal_records_her_departure(amal: User, olu: User, amal_client: Client) -> None:
    case = at_appointment(amal, olu)
    casework.decide(olu, case, decision=Decision.REGISTER)
    response = amal_client.post(
        f"/cases/{case.case_number}/departure/",
        {"departed_on": timezone.localdate().isoformat(), "port": "Newark Liberty"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.DEPARTED
    assert case.departure.departed_on == timezone.localdate()
    assert b"Newark" not in bytes(case.departure.port_sealed)


def test_a_case_that_is_not_registered_cannot_depart(amal: User, amal_client: Client) -> None:
    case = filed(amal)
    response = amal_client.post(
        f"/api/v1/registrations/{case.case_number}/departure",
        json.dumps({"departed_on": "2026-01-01", "port": "JFK"}),
        content_type="application/json",
    )
    assert response.status_code == 409


def test_every_step_amal_reads_on_her_spanish_page_is_in_spanish(
    amal: User, olu: User, amal_client: Client
) -> None:
    case = at_appointment(amal, olu)
    casework.decide(
        olu, case, decision=Decision.REQUEST_EVIDENCE, reason_code="identity-not-established"
    )
    casework.respond_to_evidence_request(amal, case)
    casework.schedule_biometrics(olu, case, office_code="NWK", reason=REASON_BOOKED)
    casework.record_biometrics(olu, case)
    casework.decide(olu, case, decision=Decision.REGISTER, note="Looks fine to me.")
    casework.record_departure(olu, case, departed_on=timezone.localdate(), port="JFK")

    page = amal_client.get(
        f"/cases/{case.case_number}/", headers={"Accept-Language": "es"}
    ).content.decode()
    history = page.split("<tbody>")[1].split("</tbody>")[0]
    for spanish in (
        "No pudimos confirmar su identidad",  # the officer's reason
        "La persona indicó que envió o llevó las pruebas",
        "Foto y huellas dactilares tomadas",
        "Registro completado",
        "Salida del país registrada",
    ):
        assert spanish in history, spanish
    for english in ("registered", "evidence provided", "departure recorded", "Looks fine"):
        assert english not in history, english


def test_steps_written_before_reasons_became_codes_read_in_spanish_too() -> None:
    with translation.override("es"):
        assert reason_for_reader("registered")[0] == "Registro completado"
        assert reason_for_reader("interview recorded")[0] == "Cita registrada"
