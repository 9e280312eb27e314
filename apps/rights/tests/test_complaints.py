"""Amal complains that nobody answered her; Olu does not uphold it and she reads why,
in Spanish. After her record is erased, her requests' sealed text is gone too."""

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.audit.models import AuditEntry
from apps.registrations.access import erase_person
from apps.registrations.models import Registration
from apps.rights.models import Complaint, CorrectionRequest
from apps.rights.tests.conftest import post_json

pytestmark = pytest.mark.django_db


def test_amal_complains_and_reads_the_outcome_in_spanish(
    amal_client: Client, amal_case: Registration, olu_client: Client
) -> None:
    response = amal_client.post(
        f"/my/rights/cases/{amal_case.case_number}/complaint/",
        {"text": "Esperé tres horas en la oficina y nadie me atendió."},
    )
    assert response.status_code == 302
    item = Complaint.objects.get()
    assert AuditEntry.objects.filter(object_type="complaint", action="create").count() == 1

    queue = olu_client.get("/console/rights/complaints/").content.decode()
    assert str(item.pk) in queue
    page = olu_client.get(f"/console/rights/complaints/{item.pk}/").content.decode()
    assert "nadie me atendió" in page
    wrong = olu_client.post(
        f"/console/rights/complaints/{item.pk}/",
        {"outcome": "refused", "reason_code": "complaint-upheld"},
    )
    assert wrong.status_code == 422
    decided = olu_client.post(
        f"/console/rights/complaints/{item.pk}/",
        {"outcome": "refused", "reason_code": "complaint-not-upheld", "note": "Sorry."},
    )
    assert decided.status_code == 302
    entry = AuditEntry.objects.get(object_type="complaint", action="decide")
    assert entry.detail == {"outcome": "refused", "reason": "complaint-not-upheld"}

    mine = amal_client.get("/api/v1/me/requests", headers={"Accept-Language": "es"}).json()
    (complaint,) = mine["complaints"]
    assert complaint["outcome"] == "refused"
    assert complaint["reason"]  # in Spanish once the catalogue has it; never empty
    export = amal_client.get(f"/api/v1/me/subject-access/{amal_case.case_number}").json()
    (held,) = export["sections"]["requests"]["data"]["complaints"]
    assert held["text"].startswith("Esperé")
    assert held["note"] == "Sorry."


def test_an_empty_complaint_is_refused(amal_client: Client, amal_case: Registration) -> None:
    response = post_json(
        amal_client, "/api/v1/complaints", {"case_number": amal_case.case_number, "text": "  "}
    )
    assert response.status_code == 422
    assert "text" in response.json()["fields"]


def test_erasure_drops_the_sealed_text_and_the_export_says_so(
    amal_client: Client, amal_case: Registration, amal: User, priya: User
) -> None:
    post_json(
        amal_client,
        "/api/v1/corrections",
        {
            "case_number": amal_case.case_number,
            "field_name": "birth_city",
            "proposed_value": "Tripoli",
            "evidence_base64": "JVBERi0xLjQK",
        },
    )
    erase_person(priya, amal_case.person_id, reason="court-order")
    item = CorrectionRequest.objects.get()
    assert bytes(item.text_sealed) == b""
    assert item.evidence_sealed is None
    response = amal_client.get(f"/my/rights/cases/{amal_case.case_number}/data.json")
    assert response.status_code == 410
    assert not AuditEntry.objects.filter(action="export").exists()
