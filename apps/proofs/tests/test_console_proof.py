"""Olu, an officer, prints Amal's proof from the console for a stated purpose (the name
and photo reads are logged with it) and re-issues it when she lost her card."""

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.audit.models import AuditEntry
from apps.proofs import verifier
from apps.proofs.models import Proof
from apps.registrations.models import Registration

pytestmark = pytest.mark.django_db


def test_the_console_page_shows_no_personal_data(
    olu_client: Client, amal_registered: Registration
) -> None:
    page = olu_client.get(f"/proofs/console/{amal_registered.case_number}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Haddad" not in html
    assert 'name="purpose"' in html
    case_page = olu_client.get(f"/console/cases/{amal_registered.case_number}/").content.decode()
    assert f"/proofs/console/{amal_registered.case_number}/" in case_page


def test_olu_prints_for_a_purpose_and_the_read_is_logged(
    olu: User, olu_client: Client, amal_registered: Registration, with_portrait: None
) -> None:
    response = olu_client.post(
        f"/proofs/console/{amal_registered.case_number}/print/",
        {"purpose": "identity-verification", "reference": "", "layout": "card", "language": "es"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    read = AuditEntry.objects.get(actor_id=olu.pk, object_type="proof-name")
    assert read.purpose == "identity-verification"
    assert read.legal_basis
    assert AuditEntry.objects.filter(actor_id=olu.pk, object_type="proof", action="create").exists()


def test_a_purpose_that_needs_a_reference_reads_and_issues_nothing_without_one(
    olu: User, olu_client: Client, amal_registered: Registration
) -> None:
    before = AuditEntry.objects.count()
    response = olu_client.post(
        f"/proofs/console/{amal_registered.case_number}/print/",
        {"purpose": "court-order", "reference": "", "layout": "a4", "language": "en"},
    )
    assert response.status_code == 422
    assert AuditEntry.objects.count() == before
    assert not Proof.objects.exists()
    assert (
        olu_client.post(f"/proofs/console/{amal_registered.case_number}/print/", {}).status_code
        == 400
    )


def test_olu_reissues_a_lost_card(
    amal: User, olu_client: Client, amal_registered: Registration
) -> None:
    from apps.proofs import services

    lost = services.current_proof(amal, amal_registered)
    response = olu_client.post(f"/proofs/console/{amal_registered.case_number}/reissue/")
    assert response.status_code == 302
    assert verifier.check(lost.text, "en").verdict.outcome == "revoked"
    assert Proof.objects.filter(revoked_at__isnull=True).count() == 1
    page = olu_client.get(response["Location"]).content.decode()
    assert lost.proof.card_number in page


def test_reissue_of_a_departed_case_is_refused(
    amal: User, olu_client: Client, amal_registered: Registration
) -> None:
    from django.utils import timezone

    from apps.registrations import casework

    casework.record_departure(amal, amal_registered, departed_on=timezone.localdate(), port="JFK")
    response = olu_client.post(
        f"/proofs/console/{amal_registered.case_number}/reissue/", follow=True
    )
    assert "Only a registered case" in response.content.decode()
    assert not Proof.objects.exists()
