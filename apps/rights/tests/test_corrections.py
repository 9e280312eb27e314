"""Amal asks for her passport number to be corrected, with a scan as evidence; Olu
decides; Amal reads the outcome and the reason in Spanish. A request nobody decides in
time goes to Priya, the privacy officer, once."""

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEntry
from apps.registrations.access import read_own_form
from apps.registrations.models import BlindIndexEntry, Registration
from apps.rights import redress
from apps.rights.models import Complaint, CorrectionRequest
from apps.rights.tests.conftest import post_json

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%fake but well-started\n"


def ask(amal_client: Client, case: Registration, **fields: object) -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"field_name": "passport_number", "proposed_value": "RL0912346", **fields}
    data.setdefault("evidence", SimpleUploadedFile("scan.png", PNG, content_type="image/png"))
    return amal_client.post(f"/my/rights/cases/{case.case_number}/correction/", data)


def test_amal_asks_olu_accepts_and_the_form_is_corrected(
    amal_client: Client, amal_case: Registration, amal: User, olu_client: Client, olu: User
) -> None:
    response = ask(amal_client, amal_case, explanation="One digit was mistyped.")
    assert response.status_code == 302, response.content
    item = CorrectionRequest.objects.get()
    assert item.field_name == "passport_number"
    assert item.evidence_type == "image/png"
    assert b"RL0912346" not in bytes(item.text_sealed)  # sealed
    assert item.due_on == timezone.localdate() + dt.timedelta(days=30)  # us-2025 [redress]
    created = AuditEntry.objects.get(object_type="correction", action="create")
    assert created.detail == {"field": "passport_number", "evidence": True}

    page = olu_client.get(f"/console/rights/corrections/{item.pk}/")
    assert page.status_code == 200
    assert "RL0912346" in page.content.decode()
    read = AuditEntry.objects.filter(object_type="correction", action="read").get()
    assert read.purpose == "privacy-request"
    assert read.legal_basis
    evidence = olu_client.get(f"/console/rights/corrections/{item.pk}/evidence/")
    assert evidence.content == PNG

    decided = olu_client.post(
        f"/console/rights/corrections/{item.pk}/",
        {"outcome": "accepted", "reason_code": "record-was-wrong"},
    )
    assert decided.status_code == 302
    amal_case.refresh_from_db()
    assert read_own_form(amal, amal_case)["passport_number"] == "RL0912346"
    update = AuditEntry.objects.get(object_type="registration", action="update", actor_id=olu.pk)
    assert update.detail == {"fields": ["passport_number"], "via": "correction"}
    assert "RL091" not in str(update.detail)
    from apps.vault.blind_index import document_index

    assert BlindIndexEntry.objects.filter(digest=document_index("RL0912346")).exists()
    assert not BlindIndexEntry.objects.filter(digest=document_index("RL0912345")).exists()

    spanish = amal_client.get("/my/rights/", headers={"Accept-Language": "es"}).content.decode()
    assert 'data-outcome="accepted"' in spanish
    assert "Número de pasaporte" in spanish or "pasaporte" in spanish.lower()


def test_partly_accepted_needs_the_value_and_refused_changes_nothing(
    amal_case: Registration, amal: User, olu: User
) -> None:
    first = redress.request_correction(
        amal,
        amal_case,
        field_name="given_names",
        proposed_value="Amal N.",
        explanation="",
        evidence=None,
        language="es",
    )
    from registry.errors import FormInvalid

    with pytest.raises(FormInvalid) as missing:
        redress.decide_correction(olu, first, outcome="partly", reason_code="corrected-differently")
    assert "corrected_value" in missing.value.fields
    redress.decide_correction(
        olu,
        first,
        outcome="partly",
        reason_code="corrected-differently",
        corrected_value="Amal Nour",
    )
    amal_case.refresh_from_db()
    assert read_own_form(amal, amal_case)["given_names"] == "Amal Nour"

    second = redress.request_correction(
        amal,
        amal_case,
        field_name="birth_city",
        proposed_value="Tripoli",
        explanation="",
        evidence=None,
        language="es",
    )
    with pytest.raises(FormInvalid):  # a reason for accepting does not fit a refusal
        redress.decide_correction(olu, second, outcome="refused", reason_code="record-was-wrong")
    redress.decide_correction(
        olu, second, outcome="refused", reason_code="record-matches-documents"
    )
    amal_case.refresh_from_db()
    assert read_own_form(amal, amal_case)["birth_city"] == "Beirut"
    # a retry of the same decision is harmless; a different one is a conflict
    redress.decide_correction(
        olu, second, outcome="refused", reason_code="record-matches-documents"
    )
    from registry.errors import Conflict

    with pytest.raises(Conflict):
        redress.decide_correction(olu, second, outcome="accepted", reason_code="record-was-wrong")
    assert AuditEntry.objects.filter(object_type="correction", action="decide").count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"field_name": "shoe_size", "proposed_value": "42"}, "field_name"),
        ({"field_name": "address_history", "proposed_value": []}, "field_name"),
        ({"field_name": "birth_date", "proposed_value": "14/03/1990"}, "proposed_value"),
        ({"field_name": "birth_country", "proposed_value": "ZZ"}, "proposed_value"),
        (
            {
                "field_name": "passport_number",
                "proposed_value": "X1",
                "evidence_base64": "bm9wZQ==",
            },
            "evidence_base64",
        ),
    ],
)
def test_bad_requests_are_refused_with_what_to_fix(
    amal_client: Client, amal_case: Registration, body: dict, field: str
) -> None:
    response = post_json(
        amal_client, "/api/v1/corrections", {"case_number": amal_case.case_number, **body}
    )
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]
    assert not CorrectionRequest.objects.exists()


def test_evidence_over_5_mb_or_of_another_type_is_refused_on_the_page(
    amal_client: Client, amal_case: Registration
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (5 * 1024 * 1024), "application/pdf")
    assert ask(amal_client, amal_case, evidence=big).status_code == 422
    exe = SimpleUploadedFile("scan.png", b"MZ\x90\x00" * 10, "image/png")
    assert ask(amal_client, amal_case, evidence=exe).status_code == 422
    assert not CorrectionRequest.objects.exists()
    ok = SimpleUploadedFile("scan.pdf", PDF, "application/pdf")
    assert ask(amal_client, amal_case, evidence=ok).status_code == 302


def test_an_overdue_request_escalates_exactly_once(
    amal_case: Registration,
    amal: User,
    priya_client: Client,
    mailoutbox: list,
    django_capture_on_commit_callbacks: Any,
) -> None:
    item = redress.request_correction(
        amal,
        amal_case,
        field_name="birth_city",
        proposed_value="Tripoli",
        explanation="",
        evidence=None,
        language="en",
    )
    complaint = redress.file_complaint(
        amal, amal_case, text="Nobody answered me.", evidence=None, language="en"
    )
    assert redress.escalate_overdue() == 0  # not yet due
    CorrectionRequest.objects.update(due_on=timezone.localdate() - dt.timedelta(days=1))
    Complaint.objects.update(due_on=timezone.localdate() - dt.timedelta(days=1))

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rights", "escalate-overdue", stdout=out)
    assert "escalated: 2" in out.getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        assert redress.escalate_overdue() == 0
        call_command("rights", "escalate-overdue", stdout=io.StringIO())
    entries = AuditEntry.objects.filter(object_type="escalation", action="update")
    assert sorted(e.object_id for e in entries) == sorted([str(item.pk), str(complaint.pk)])
    assert {e.detail["kind"] for e in entries} == {"correction", "complaint"}

    assert len(mailoutbox) == 2  # one e-mail to Priya per escalated request, none on re-runs
    assert mailoutbox[0].to == ["priya@example.org"]
    assert "Haddad" not in mailoutbox[0].body
    page = priya_client.get("/console/rights/escalated/").content.decode()
    assert str(item.pk) in page
    assert str(complaint.pk) in page
    api = priya_client.get("/api/v1/redress/escalated").json()
    assert {r["kind"] for r in api} == {"correction", "complaint"}


def test_the_sweep_task_runs_both_jobs(amal_case: Registration, amal: User) -> None:
    from apps.rights.tasks import run_rights_sweep

    redress.file_complaint(amal, amal_case, text="Late answer.", evidence=None, language="en")
    Complaint.objects.update(due_on=timezone.localdate() - dt.timedelta(days=3))
    result = run_rights_sweep.enqueue()
    assert result.return_value == {"escalated": 1, "holds_ended": 0}


def test_the_deadline_comes_from_the_program(amal_case: Registration, amal: User) -> None:
    from apps.programs.loader import get_program

    program = get_program("us-2025")
    item = redress.file_complaint(amal, amal_case, text="x" * 10, evidence=None, language="en")
    assert item.due_on == timezone.localdate() + dt.timedelta(days=program.redress.complaint_days)


def test_a_second_request_for_the_same_answer_waits_for_the_first(
    amal_client: Client, amal_case: Registration
) -> None:
    body = {
        "case_number": amal_case.case_number,
        "field_name": "birth_city",
        "proposed_value": "Tripoli",
    }
    assert post_json(amal_client, "/api/v1/corrections", body).status_code == 201
    again = post_json(amal_client, "/api/v1/corrections", body)
    assert again.status_code == 409
    assert again.json()["code"] == "correction_already_open"
    other = {**body, "field_name": "birth_country", "proposed_value": "LY"}
    assert post_json(amal_client, "/api/v1/corrections", other).status_code == 201
    assert CorrectionRequest.objects.count() == 2
