"""Amal is registered; she opens her proof, a verifier checks it; she moves, and the
old proof is revoked while a new one is issued; when she departs, her proof is revoked
and no new one is issued."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEntry
from apps.proofs import services, verifier
from apps.proofs.models import Proof
from apps.registrations import casework
from apps.registrations.access import erase_person
from apps.registrations.models import Registration
from conftest import VALID_FORM

pytestmark = pytest.mark.django_db


def outcome(text: str) -> str:
    return str(verifier.check(text, "en").verdict.outcome)


def test_amal_opens_her_proof_and_a_verifier_finds_it_valid(
    amal: User, amal_client: Client, amal_registered: Registration
) -> None:
    case_page = amal_client.get(f"/cases/{amal_registered.case_number}/").content.decode()
    assert f'href="/proofs/cases/{amal_registered.case_number}/"' in case_page
    page = amal_client.get(f"/proofs/cases/{amal_registered.case_number}/")
    assert page.status_code == 200
    proof = Proof.objects.get(registration=amal_registered)
    assert proof.card_number in page.content.decode().replace("-", "")
    text = services.current_proof(amal, amal_registered).text
    assert text in page.content.decode()
    assert outcome(text) == "valid"
    issued = AuditEntry.objects.filter(object_type="proof", action="create")
    assert issued.count() == 1
    assert issued.get().detail["binding"] == "card_photo"
    # Asking again gives the same proof, the same text (Ed25519 is deterministic).
    assert services.current_proof(amal, amal_registered).text == text
    assert Proof.objects.count() == 1


def test_a_move_revokes_the_proof_and_the_next_request_issues_a_new_one(
    amal: User, amal_registered: Registration
) -> None:
    old = services.current_proof(amal, amal_registered)
    casework.report_address_change(
        amal,
        amal_registered.person,
        address={**VALID_FORM["address_history"][0], "line1": "3 Oak Avenue"},
        moved_on=timezone.localdate() - dt.timedelta(days=2),
    )
    assert outcome(old.text) == "revoked"
    new = services.current_proof(amal, amal_registered)
    assert new.proof.pk != old.proof.pk
    assert outcome(new.text) == "valid"
    old.proof.refresh_from_db()
    assert old.proof.revoked_reason == "address_change"
    revoked = AuditEntry.objects.get(object_type="proof", action="update")
    assert revoked.detail == {"revoked": "address_change"}
    assert revoked.object_id == old.proof.token_id


def test_departure_revokes_and_no_new_proof_is_issued(
    amal: User, amal_client: Client, amal_registered: Registration
) -> None:
    issued = services.current_proof(amal, amal_registered)
    casework.record_departure(
        amal, amal_registered, departed_on=timezone.localdate(), port="JFK Airport"
    )
    assert outcome(issued.text) == "revoked"
    with pytest.raises(services.NoProof):
        services.current_proof(amal, amal_registered)
    page = amal_client.get(f"/proofs/cases/{amal_registered.case_number}/")
    assert page.status_code == 200
    assert 'id="no-proof"' in page.content.decode()
    pdf = amal_client.get(
        f"/proofs/cases/{amal_registered.case_number}/proof.pdf?layout=card&language=en"
    )
    assert pdf.status_code == 302


def test_a_case_that_is_not_registered_gets_no_proof(amal: User, olu: User) -> None:
    from apps.registrations import services as filing

    case, _ = filing.file_registration(
        amal,
        program_slug="us-2025",
        for_child=False,
        data=VALID_FORM,
        language="en",
        idempotency_key=None,
    )
    with pytest.raises(services.NoProof):
        services.current_proof(amal, case)
    rejected = casework.decide(
        olu, case, decision=casework.Decision.REJECT, reason_code="not-covered"
    )
    with pytest.raises(services.NoProof):
        services.current_proof(olu, rejected)
    assert not Proof.objects.exists()


def test_a_new_registration_of_the_same_person_supersedes_the_old_proof(
    amal: User, olu: User, amal_registered: Registration
) -> None:
    old = services.current_proof(amal, amal_registered)
    from apps.registrations.models import Registration as Case

    renewal = Case.objects.create(
        person=amal_registered.person,
        program="us-2025",
        program_version="test",
        state="biometrics_captured",
        case_number="US2025-TEST-00001",
        filed_by=amal,
        form_sealed=amal_registered.form_sealed,
    )
    casework.decide(olu, renewal, decision=casework.Decision.REGISTER)
    assert outcome(old.text) == "revoked"
    old.proof.refresh_from_db()
    assert old.proof.revoked_reason == "superseded"


def test_erasure_revokes_and_deletes_the_persons_proofs(
    amal: User, priya: User, amal_registered: Registration
) -> None:
    issued = services.current_proof(amal, amal_registered)
    erase_person(priya, amal_registered.person_id, reason="court-order")
    assert not Proof.objects.filter(person_id=amal_registered.person_id).exists()
    assert outcome(issued.text) == "revoked"


def test_an_officer_reissues_a_lost_card(
    olu: User, amal: User, amal_registered: Registration
) -> None:
    first = services.current_proof(amal, amal_registered)
    second = services.reissue(olu, amal_registered, purpose="case-processing")
    assert outcome(first.text) == "revoked"
    assert outcome(second.text) == "valid"
    assert second.proof.card_number != first.proof.card_number


def test_an_expired_proof_is_renewed_at_the_next_request(
    amal: User, amal_registered: Registration
) -> None:
    first = services.current_proof(amal, amal_registered)
    Proof.objects.filter(pk=first.proof.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    assert outcome(first.text) == "valid"  # the signed text still says when it expires
    second = services.current_proof(amal, amal_registered)
    assert second.proof.pk != first.proof.pk


def test_the_api_gives_the_registrant_her_proof_and_refuses_an_unregistered_case(
    amal: User, amal_client: Client, amal_registered: Registration
) -> None:
    response = amal_client.get(f"/api/v1/registrations/{amal_registered.case_number}/proof")
    assert response.status_code == 200
    body = response.json()
    assert body["text"] == services.current_proof(amal, amal_registered).text
    assert body["binding"] == "card_photo"
    from apps.registrations import services as filing

    draft_case, _ = filing.file_registration(
        amal,
        program_slug="us-2025",
        for_child=False,
        data=VALID_FORM,
        language="en",
        idempotency_key=None,
    )
    refused = amal_client.get(f"/api/v1/registrations/{draft_case.case_number}/proof")
    assert refused.status_code == 409
    assert refused.json()["code"] == "no_proof"
