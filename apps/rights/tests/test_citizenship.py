"""Amal says she is a US citizen. While her claim is open no adverse decision can be
taken and every console view of her case says so; Priya resolves it: confirmed, the
record is expunged; not confirmed, Amal reads why."""

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.audit.models import AuditEntry
from apps.registrations import casework
from apps.registrations.models import CaseState, Registration
from apps.registrations.reasons import Decision
from apps.rights import services
from apps.rights.models import CitizenshipClaim, ClaimState
from apps.rights.tests.conftest import post_json
from apps.vault.models import SubjectKey

pytestmark = pytest.mark.django_db


def claim(amal_client: Client, case: Registration) -> CitizenshipClaim:
    response = post_json(
        amal_client,
        "/api/v1/citizenship-claims",
        {"case_number": case.case_number, "statement": "Born in Paterson, NJ, in 1990."},
    )
    assert response.status_code == 201, response.content
    return CitizenshipClaim.objects.get(pk=response.json()["id"])


def test_an_open_claim_blocks_rejection_and_requests_for_evidence(
    amal_client: Client, amal_case: Registration, olu: User, olu_client: Client
) -> None:
    claim(amal_client, amal_case)
    assert services.has_open_citizenship_claim(amal_case.person_id)
    created = AuditEntry.objects.get(object_type="citizenship_claim", action="create")
    assert created.subject_id == amal_case.person_id

    from registry.errors import Conflict

    with pytest.raises(Conflict) as refused:
        casework.decide(olu, amal_case, decision=Decision.REJECT, reason_code="not-covered")
    assert refused.value.code == "citizenship_claim_open"
    response = olu_client.post(
        f"/console/cases/{amal_case.case_number}/decision/",
        {"decision": "request_evidence", "reason_code": "entry-details-unclear"},
    )
    assert response.status_code == 409
    assert "citizenship" in response.content.decode()
    amal_case.refresh_from_db()
    assert amal_case.state == CaseState.SUBMITTED


def test_every_console_view_of_the_case_shows_the_claim(
    amal_client: Client, amal_case: Registration, olu_client: Client
) -> None:
    banner = 'id="citizenship-claim-banner"'
    assert banner not in olu_client.get(f"/console/cases/{amal_case.case_number}/").content.decode()
    claim(amal_client, amal_case)
    case_page = olu_client.get(f"/console/cases/{amal_case.case_number}/").content.decode()
    assert banner in case_page
    record = olu_client.post(
        f"/console/cases/{amal_case.case_number}/record/", {"purpose": "case-processing"}
    ).content.decode()
    assert banner in record


def test_an_officer_records_a_claim_and_only_one_is_open(
    amal_case: Registration, olu_client: Client
) -> None:
    path = f"/api/v1/cases/{amal_case.case_number}/citizenship-claims"
    first = post_json(olu_client, path, {"statement": "Showed a US passport at the window."})
    assert first.status_code == 201
    assert first.json()["recorded_by_role"] == "officer"
    again = post_json(olu_client, path, {"statement": "Another claim."})
    assert again.status_code == 409


def test_confirmation_expunges_the_record(
    amal_client: Client, amal_case: Registration, priya: User, priya_client: Client
) -> None:
    item = claim(amal_client, amal_case)
    page = priya_client.get(f"/console/rights/claims/{item.pk}/")
    assert "Born in Paterson" in page.content.decode()
    response = post_json(
        priya_client, f"/api/v1/citizenship-claims/{item.pk}/resolution", {"confirmed": True}
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "confirmed"
    key = SubjectKey.objects.get(subject_id=amal_case.person_id)
    assert key.wrapped_key is None  # crypto-shredded
    decided = AuditEntry.objects.get(object_type="citizenship_claim", action="decide")
    assert decided.detail == {"outcome": "confirmed", "reason": "citizenship-confirmed"}
    assert AuditEntry.objects.filter(
        subject_id=amal_case.person_id, action__in=["expunge", "key_destroyed"]
    ).exists()
    assert not services.has_open_citizenship_claim(amal_case.person_id)
    # a retry is harmless
    retry = post_json(
        priya_client, f"/api/v1/citizenship-claims/{item.pk}/resolution", {"confirmed": True}
    )
    assert retry.status_code == 200


def test_not_confirmed_closes_the_claim_with_a_reason_amal_reads(
    amal_client: Client, amal_case: Registration, priya_client: Client, olu: User
) -> None:
    item = claim(amal_client, amal_case)
    path = f"/api/v1/citizenship-claims/{item.pk}/resolution"
    no_reason = post_json(priya_client, path, {"confirmed": False})
    assert no_reason.status_code == 422
    response = post_json(
        priya_client, path, {"confirmed": False, "reason_code": "citizenship-not-established"}
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.state == ClaimState.NOT_CONFIRMED
    page = amal_client.get("/my/rights/", headers={"Accept-Language": "en"}).content.decode()
    assert "The evidence does not establish citizenship" in page
    # once resolved, a request for evidence is possible again
    casework.decide(
        olu, amal_case, decision=Decision.REQUEST_EVIDENCE, reason_code="entry-details-unclear"
    )


def test_registering_stays_allowed_during_a_claim(
    amal_client: Client, amal_case: Registration, olu: User
) -> None:
    claim(amal_client, amal_case)
    Registration.objects.filter(pk=amal_case.pk).update(state=CaseState.BIOMETRICS_CAPTURED)
    registered = casework.decide(olu, amal_case, decision=Decision.REGISTER)
    assert registered.state == CaseState.REGISTERED


def test_olu_records_a_claim_from_the_case_page(
    amal_case: Registration, olu_client: Client
) -> None:
    case_page = olu_client.get(f"/console/cases/{amal_case.case_number}/").content.decode()
    assert 'id="record-claim"' in case_page
    assert 'id="place-hold"' not in case_page  # holds are for supervisors
    response = olu_client.post(
        f"/console/rights/cases/{amal_case.case_number}/citizenship/",
        {"statement": "Showed a US passport at the window."},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/console/cases/{amal_case.case_number}/")
    after = olu_client.get(response["Location"]).content.decode()
    assert 'id="citizenship-claim-banner"' in after
    assert CitizenshipClaim.objects.get().recorded_by_role == "officer"
