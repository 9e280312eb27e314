"""Priya's mistakes through the API get a code and a message that says what to fix,
and change nothing."""

import json
import uuid

import pytest

from apps.accounts.models import User
from apps.retention.models import Expungement, RetentionRun, RunState
from apps.retention.tests.conftest import file_for
from apps.vault.models import SubjectKey
from conftest import client_for

pytestmark = pytest.mark.django_db


def post(user: User, path: str, body: object) -> object:
    return client_for(user).post(path, json.dumps(body), content_type="application/json")


def test_an_unlisted_ground_is_refused_with_the_programs_grounds(priya: User) -> None:
    case = file_for()
    response = post(
        priya, "/api/v1/retention/expungements", {"person_id": str(case.person_id), "ground": "x"}
    )
    assert response.status_code == 422  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["code"] == "ground_not_allowed"
    assert "citizenship-confirmed" in body["message"]
    assert SubjectKey.objects.get(subject_id=case.person_id).wrapped_key is not None


def test_an_unknown_person_is_404_and_extra_fields_are_422(priya: User) -> None:
    path = "/api/v1/retention/expungements"
    missing = post(priya, path, {"person_id": str(uuid.uuid4()), "ground": "court-order"})
    assert missing.status_code == 404  # type: ignore[attr-defined]
    assert missing.json()["code"] == "person_not_found"  # type: ignore[attr-defined]
    extra = post(priya, path, {"person_id": str(uuid.uuid4()), "ground": "court-order", "x": 1})
    assert extra.status_code == 422  # type: ignore[attr-defined]
    assert not Expungement.objects.exists()


def test_the_api_answers_twice_with_the_same_receipt(priya: User) -> None:
    case = file_for()
    body = {"person_id": str(case.person_id), "ground": "court-order"}
    first = post(priya, "/api/v1/retention/expungements", body).json()  # type: ignore[attr-defined]
    again = post(priya, "/api/v1/retention/expungements", body).json()  # type: ignore[attr-defined]
    assert first == again
    verified = post(priya, "/api/v1/retention/receipts/verify", first).json()  # type: ignore[attr-defined]
    assert verified["valid"] is True
    forged = post(
        priya, "/api/v1/retention/receipts/verify", {**first, "ground": "naturalisation"}
    ).json()  # type: ignore[attr-defined]
    assert forged["valid"] is False


def test_approving_a_run_that_does_not_wait_is_a_conflict(priya: User) -> None:
    run = RetentionRun.objects.create(
        program="us-2025", as_of="2026-01-01", state=RunState.DONE, requested_by_role="system"
    )
    response = post(priya, f"/api/v1/retention/runs/{run.id}/approve", None)
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert response.json()["code"] == "run_not_awaiting_approval"  # type: ignore[attr-defined]


def test_the_expunge_page_refuses_an_unknown_case_and_an_unchecked_box(priya: User) -> None:
    client = client_for(priya)
    case = file_for()
    unknown = client.post(
        "/retention/expunge/",
        {"case_number": "US2025-0000-00000", "ground": "court-order", "confirm": "on"},
    )
    assert unknown.status_code == 400
    assert "No case has this number" in unknown.content.decode()
    unchecked = client.post(
        "/retention/expunge/", {"case_number": case.case_number, "ground": "court-order"}
    )
    assert unchecked.status_code == 400
    assert not Expungement.objects.exists()
    done = client.post(
        "/retention/expunge/",
        {"case_number": case.case_number.lower(), "ground": "court-order", "confirm": "on"},
    )
    assert done.status_code == 302
    receipt_page = client.get(done["Location"])
    assert b"valid" in receipt_page.content
    assert str(case.person_id).encode() in receipt_page.content


def test_verifying_something_that_is_not_a_receipt_is_422(priya: User) -> None:
    body = {
        "version": 1,
        "receipt_id": str(uuid.uuid4()),
        "person_id": str(uuid.uuid4()),
        "ground": "court-order",
        "at": "2026-01-01T00:00:00",  # no zone
        "kid": "0123456789abcdef",
        "signature": "AAAA",
    }
    response = post(priya, "/api/v1/retention/receipts/verify", body)
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "time zone" in response.json()["message"]  # type: ignore[attr-defined]
