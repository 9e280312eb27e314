"""Amal downloads everything held about her: her form decrypted, her case's history,
and the accounting of who read her record, with purpose and legal basis."""

import json

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.audit.models import AuditEntry
from apps.registrations import casework
from apps.registrations.models import Registration
from conftest import client_for

pytestmark = pytest.mark.django_db


def export(client: Client, case: Registration) -> dict:
    response = client.get(f"/my/rights/cases/{case.case_number}/data.json")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def test_the_export_holds_the_decrypted_form_and_the_accounting(
    amal_client: Client, amal_case: Registration, olu: User
) -> None:
    officer = client_for(olu)
    officer.get(
        f"/api/v1/persons/{amal_case.person_id}",
        {"purpose": "court-order", "reference": "Order 24-CV-118"},
    )

    data = export(amal_client, amal_case)

    records = data["sections"]["registrations"]["data"]
    assert records[0]["case_number"] == amal_case.case_number
    assert records[0]["form"]["family_name"] == "Haddad"
    assert records[0]["form"]["passport_number"] == "RL0912345"
    assert records[0]["history"][0]["to"] == "submitted"
    accounting = data["sections"]["accounting"]["data"]["entries"]
    read = next(e for e in accounting if e["who_id"] == olu.pk and e["action"] == "read")
    assert read["purpose"] == "court-order"
    assert read["purpose_label"] == "Complying with a court order"
    assert read["legal_basis"] == "Privacy Act, 5 U.S.C. § 552a(b)(11)"
    assert read["reference"] == "Order 24-CV-118"
    assert read["who_role"] == "Registration officer"
    assert read["organisation"].startswith("Registration agency")
    assert read["at"]


def test_every_download_is_logged_as_an_export(
    amal_client: Client, amal_case: Registration, amal: User
) -> None:
    export(amal_client, amal_case)
    pdf = amal_client.get(f"/my/rights/cases/{amal_case.case_number}/data.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    exports = AuditEntry.objects.filter(action="export", object_type="subject_access")
    assert [e.detail["format"] for e in exports.order_by("id")] == ["json", "pdf"]
    assert {e.subject_id for e in exports} == {amal_case.person_id}
    assert {e.actor_id for e in exports} == {amal.pk}
    # the second download lists the first one in its accounting
    again = export(amal_client, amal_case)["sections"]["accounting"]["data"]["entries"]
    assert any(e["action"] == "export" for e in again)


def test_the_export_carries_notes_addresses_and_the_spanish_purpose(
    amal_client: Client, amal_case: Registration, amal: User, olu: User
) -> None:
    import datetime as dt

    from django.utils import timezone

    casework.report_address_change(
        amal,
        amal_case.person,
        address={"line1": "3 Oak Road", "city": "Newark", "country": "US"},
        moved_on=timezone.localdate() - dt.timedelta(days=2),
    )
    client_for(olu).get(f"/api/v1/persons/{amal_case.person_id}", {"purpose": "case-processing"})
    response = amal_client.get(
        f"/my/rights/cases/{amal_case.case_number}/data.json", headers={"Accept-Language": "es"}
    )
    data = json.loads(response.content)
    assert data["sections"]["addresses"]["data"][0]["address"]["line1"] == "3 Oak Road"
    labels = {e["purpose_label"] for e in data["sections"]["accounting"]["data"]["entries"]}
    assert "Tramitación de este registro" in labels


def test_the_pdf_is_readable_text(amal_client: Client, amal_case: Registration, tmp_path) -> None:
    import shutil
    import subprocess

    response = amal_client.get(f"/my/rights/cases/{amal_case.case_number}/data.pdf")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "export.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(  # noqa: S603
        ["pdftotext", str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Haddad" in text
    assert "RL0912345" in text


def test_someone_elses_case_is_not_found(
    amal_case: Registration, user_with_role, amal_client: Client
) -> None:
    from apps.accounts.permissions import Role

    bilal = client_for(user_with_role(Role.REGISTRANT, "bilal"))
    assert bilal.get(f"/my/rights/cases/{amal_case.case_number}/data.json").status_code == 404
    assert bilal.get(f"/api/v1/me/subject-access/{amal_case.case_number}").status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()


def test_a_disclosure_to_a_partner_names_the_organisation(
    amal_client: Client, amal_case: Registration
) -> None:
    from django.db import transaction

    from apps.audit import services as audit
    from apps.audit.models import Action
    from apps.audit.services import SystemActor

    with transaction.atomic():  # as the partner app logs a disclosure (issue 8)
        audit.record(
            actor=SystemActor(role="partner"),
            action=Action.DISCLOSE,
            subject_id=amal_case.person_id,
            object_type="registration",
            object_id=amal_case.case_number,
            purpose="law-enforcement-request",
            legal_basis="Privacy Act, 5 U.S.C. § 552a(b)(7)",
            reference="DSA-7 req 42",
            detail={"agreement": "DSA-7", "organisation": "county-sheriff", "fields": []},
        )
    entries = export(amal_client, amal_case)["sections"]["accounting"]["data"]["entries"]
    disclosure = next(e for e in entries if e["action"] == "disclose")
    assert disclosure["organisation"] == "county-sheriff"
    assert disclosure["legal_basis"] == "Privacy Act, 5 U.S.C. § 552a(b)(7)"
    assert disclosure["purpose_label"].startswith("Written request of a law-enforcement agency")
    assert disclosure["action_label"] == "Disclosed"


def test_another_app_adds_a_section(amal_client: Client, amal_case: Registration) -> None:
    from apps.rights.sections import SUBJECT_ACCESS_SECTIONS, Section, register

    section = Section(
        "biometrics-test", "Photo and fingerprints", lambda user, person: {"enrolled": False}, 40
    )
    register(section)
    register(section)  # ready() may run twice: the section is listed once
    try:
        data = export(amal_client, amal_case)
    finally:
        SUBJECT_ACCESS_SECTIONS.remove(section)
    keys = list(data["sections"])
    assert keys.index("appointments") < keys.index("biometrics-test") < keys.index("requests")
    assert data["sections"]["biometrics-test"]["data"] == {"enrolled": False}
    entry = AuditEntry.objects.get(action="export")
    assert "biometrics-test" in entry.detail["sections"]
