"""Olu opens Amal's record only after saying why: before that the console shows nothing
personal; after, the read is logged with the purpose, its legal basis and the reference,
and Amal sees it. A purpose the program does not list opens and logs nothing."""

from typing import Any

import pytest
from django.test import Client

from apps.audit.models import AuditEntry
from apps.registrations import casework
from apps.registrations.models import CaseState, Registration
from conftest import client_for

from .conftest import move

pytestmark = pytest.mark.django_db

PERSONAL = ("Haddad", "Amal Noor", "1990-03-14", "RL0912345", "Beirut", "Elm Street")


def reads_of(registration: Registration) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(subject_id=registration.person_id, action="read").order_by("id")
    )


def test_the_case_page_shows_nothing_personal_and_asks_why(
    olu_client: Client, amal_case: Registration
) -> None:
    html = olu_client.get(f"/console/cases/{amal_case.case_number}/").content.decode()
    for value in PERSONAL:
        assert value not in html
    assert "Processing this registration" in html  # the program's purposes, by label
    assert "8 CFR 264.1" in html  # with their legal basis
    assert "a reference is required" in html
    assert reads_of(amal_case) == []
    html = olu_client.get(f"/console/cases/{amal_case.case_number}/record/").content.decode()
    for value in PERSONAL:
        assert value not in html
    assert reads_of(amal_case) == []


def test_stating_a_purpose_opens_the_record_and_logs_the_read(
    olu: Any, olu_client: Client, amal_case: Registration, amal_client: Client
) -> None:
    response = olu_client.post(
        f"/console/cases/{amal_case.case_number}/record/", {"purpose": "case-processing"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    for value in ("Haddad", "Amal Noor", "RL0912345", "Beirut", "12 Elm Street"):
        assert value in html
    assert "Lebanon" in html  # countries by name, not code
    [read] = reads_of(amal_case)
    assert (read.actor_id, read.actor_role) == (olu.pk, "officer")
    assert read.purpose == "case-processing"
    assert read.legal_basis == "INA § 262 (8 U.S.C. § 1302); 8 CFR 264.1"
    assert read.object_id == amal_case.case_number
    log = amal_client.get("/my/access-log/").content.decode()
    assert "An officer at the NWK office opened your case to process your registration." in log


def test_a_purpose_the_program_does_not_list_opens_and_logs_nothing(
    olu_client: Client, amal_case: Registration
) -> None:
    before = AuditEntry.objects.count()
    response = olu_client.post(
        f"/console/cases/{amal_case.case_number}/record/", {"purpose": "curiosity"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    for value in PERSONAL:
        assert value not in html
    assert AuditEntry.objects.count() == before


def test_a_court_order_needs_its_reference_which_is_logged(
    olu_client: Client, amal_case: Registration
) -> None:
    url = f"/console/cases/{amal_case.case_number}/record/"
    refused = olu_client.post(url, {"purpose": "court-order", "reference": "  "})
    assert refused.status_code == 422
    assert "This purpose needs a reference" in refused.content.decode()
    assert "Haddad" not in refused.content.decode()
    assert reads_of(amal_case) == []

    opened = olu_client.post(url, {"purpose": "court-order", "reference": "SDNY 25-cv-0042"})
    assert opened.status_code == 200
    assert "Haddad" in opened.content.decode()
    [read] = reads_of(amal_case)
    assert (read.purpose, read.reference) == ("court-order", "SDNY 25-cv-0042")
    assert read.legal_basis.startswith("Privacy Act")


def test_interview_notes_are_shown_and_their_read_is_logged_too(
    olu: Any, olu_client: Client, amal_case: Registration
) -> None:
    move(amal_case, CaseState.BIOMETRICS_SCHEDULED)
    casework.record_interview(
        olu,
        amal_case,
        notes="Passport RL0912345 checked; lives with her aunt.",
        document_checked=True,
    )
    case_page = olu_client.get(f"/console/cases/{amal_case.case_number}/").content.decode()
    assert "lives with her aunt" not in case_page  # notes are personal too

    html = olu_client.post(
        f"/console/cases/{amal_case.case_number}/record/", {"purpose": "identity-verification"}
    ).content.decode()
    assert "lives with her aunt" in html
    assert [(r.object_type, r.purpose) for r in reads_of(amal_case)] == [
        ("registration", "identity-verification"),
        ("case-notes", "identity-verification"),
    ]


def test_priya_the_privacy_officer_opens_a_record_for_an_access_request(
    priya: Any, amal_case: Registration
) -> None:
    client = client_for(priya)
    response = client.post(
        f"/console/cases/{amal_case.case_number}/record/", {"purpose": "privacy-request"}
    )
    assert response.status_code == 200
    assert "Haddad" in response.content.decode()
    [read] = reads_of(amal_case)
    assert (read.actor_role, read.purpose) == ("privacy_officer", "privacy-request")


def test_an_unknown_case_is_not_found(olu_client: Client) -> None:
    assert olu_client.get("/console/cases/US2025-0000-00000/").status_code == 404
    response = olu_client.post(
        "/console/cases/US2025-0000-00000/record/", {"purpose": "case-processing"}
    )
    assert response.status_code == 404
