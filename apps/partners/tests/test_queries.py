"""A partner learns hit / no-hit and only the fields its agreement lists; every hit is
a disclosure in the person's accounting; a no-hit leaves no trace of what was asked."""

from collections.abc import Callable

import pytest

from apps.audit.models import Action, AuditEntry
from apps.partners.models import UsageMonth
from apps.registrations.access import access_log_for
from apps.registrations.models import Registration
from conftest import VALID_FORM

pytestmark = pytest.mark.django_db


def test_a_hit_says_only_yes_by_default(make_partner: Callable, amal_registered: Registration):
    port = make_partner("port-newark")
    answer = port.ask(amal_registered.case_number)
    assert answer.status_code == 200
    assert answer.json() == {
        "hit": True,
        "reference": "PORT-CASE-1",
        "agreement": "port-newark",
        "fields": {},
    }


def test_a_hit_returns_exactly_the_fields_the_agreement_lists(
    make_partner: Callable, amal_registered: Registration
):
    court = make_partner(
        "court-essex", "Essex County Court", fields=["family_name", "status", "birth_date"]
    )
    fields = court.ask(amal_registered.case_number).json()["fields"]
    assert fields == {
        "family_name": VALID_FORM["family_name"],
        "birth_date": VALID_FORM["birth_date"],
        "status": "registered",
    }


def test_a_hit_is_a_disclosure_the_person_can_see(
    make_partner: Callable, amal_registered: Registration
):
    port = make_partner("port-newark")
    port.ask(amal_registered.case_number, reference="NWK-2026-0042")
    entry = AuditEntry.objects.get(action=Action.DISCLOSE, subject_id=amal_registered.person_id)
    assert entry.purpose == "Departures at the port of Newark"
    assert entry.legal_basis.startswith("8 U.S.C. 1306")
    assert entry.reference == "NWK-2026-0042"
    assert entry.detail["organisation"] == "Port Authority"
    assert entry.detail["fields"] == []
    assert entry in access_log_for(amal_registered.filed_by)


def test_a_no_hit_leaves_no_trace_of_the_number(
    make_partner: Callable, amal_registered: Registration
):
    port = make_partner("port-newark")
    before = AuditEntry.objects.count()
    answer = port.ask("US25-9999-9999")
    assert answer.json()["hit"] is False
    new = AuditEntry.objects.order_by("id")[before:]
    assert not [e for e in new if "9999" in str(e.detail) + e.object_id + e.reference]
    usage = UsageMonth.objects.get()
    assert (usage.queries, usage.hits) == (1, 0)


def test_a_case_not_in_the_register_is_no_hit(make_partner: Callable, amal_registered):
    Registration.objects.filter(pk=amal_registered.pk).update(state="departed")
    assert make_partner("port-newark").ask(amal_registered.case_number).json()["hit"] is False


def test_by_document_number(make_partner: Callable, amal_registered: Registration):
    police = make_partner("police-paterson", "Paterson Police", query_types=["document_number"])
    number = VALID_FORM["passport_number"]
    hit = police.post("queries/document-number", {"reference": "B-1", "document_number": number})
    assert hit.json()["hit"] is True
    miss = police.post("queries/document-number", {"reference": "B-2", "document_number": "X123"})
    assert miss.json()["hit"] is False


def test_a_query_type_outside_the_agreement_is_refused_with_the_reason(
    make_partner: Callable, amal_registered: Registration
):
    port = make_partner("port-newark")
    answer = port.post("queries/document-number", {"reference": "R", "document_number": "AB1"})
    assert answer.status_code == 403
    assert "does not allow" in answer.json()["message"]
    assert not AuditEntry.objects.filter(action=Action.DISCLOSE).exists()


def test_every_request_states_a_case_reference(make_partner: Callable, amal_registered):
    port = make_partner("port-newark")
    answer = port.post(
        "queries/registration-number", {"registration_number": amal_registered.case_number}
    )
    assert answer.status_code == 422
    assert "reference" in answer.json()["fields"]
