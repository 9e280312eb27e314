"""Amal files her registration through the API: draft, save, resume, submit."""

import json
from typing import Any

import pytest
from django.test import Client

from apps.audit.models import AuditEntry
from apps.registrations.case_numbers import is_well_formed
from apps.registrations.models import BlindIndexEntry, CaseState, Registration

pytestmark = pytest.mark.django_db


def post(client: Client, path: str, body: Any, **headers: str) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", headers=headers)


def put(client: Client, path: str, body: Any) -> Any:
    return client.put(path, json.dumps(body), content_type="application/json")


def test_amal_drafts_saves_resumes_and_submits(amal_client: Client, valid_form: dict) -> None:
    draft = post(amal_client, "/api/v1/drafts", {})
    assert draft.status_code == 201, draft.content
    draft_id = draft.json()["id"]
    assert draft.json()["state"] == "draft"

    partial = {k: valid_form[k] for k in ("family_name", "given_names", "birth_date")}
    saved = put(amal_client, f"/api/v1/drafts/{draft_id}", {"data": partial})
    assert saved.status_code == 200, saved.content

    resumed = amal_client.get(f"/api/v1/drafts/{draft_id}")
    assert resumed.json()["data"] == partial

    incomplete = post(amal_client, f"/api/v1/drafts/{draft_id}/submit", {})
    assert incomplete.status_code == 422
    assert "entry_date" in incomplete.json()["fields"]

    put(amal_client, f"/api/v1/drafts/{draft_id}", {"data": valid_form})
    submitted = post(amal_client, f"/api/v1/drafts/{draft_id}/submit", {})
    assert submitted.status_code == 200, submitted.content
    case_number = submitted.json()["case_number"]
    assert is_well_formed(case_number)
    assert submitted.json()["state"] == CaseState.SUBMITTED

    status = amal_client.get(f"/api/v1/registrations/{case_number}").json()
    assert [(t["from_state"], t["to_state"]) for t in status["transitions"]] == [
        ("draft", "submitted")
    ]
    assert status["transitions"][0]["actor_role"] == "registrant"

    registration = Registration.objects.get(case_number=case_number)
    kinds = set(
        BlindIndexEntry.objects.filter(person=registration.person).values_list("kind", flat=True)
    )
    assert kinds == {"name_birth", "family_birth", "document"}
    actions = list(
        AuditEntry.objects.filter(subject_id=registration.person_id)
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update", "read", "update", "submit"]


def test_a_submitted_case_can_no_longer_be_edited(amal_client: Client, valid_form: dict) -> None:
    filed = post(amal_client, "/api/v1/registrations", {"data": valid_form})
    response = put(amal_client, f"/api/v1/drafts/{filed.json()['id']}", {"data": valid_form})
    assert response.status_code == 409
    assert "locked" in response.json()["message"]


def test_gabriela_files_for_her_son(gabriela: Any, child_form: dict) -> None:
    client = Client()
    client.force_login(gabriela)
    filed = post(client, "/api/v1/registrations", {"for_child": True, "data": child_form})
    assert filed.status_code == 201, filed.content
    registration = Registration.objects.get(pk=filed.json()["id"])
    assert registration.person.guardian == gabriela
    assert registration.person.account is None
    assert registration.for_child


def test_a_guardian_cannot_file_for_an_adult(gabriela: Any, valid_form: dict) -> None:
    client = Client()
    client.force_login(gabriela)
    refused = post(client, "/api/v1/registrations", {"for_child": True, "data": valid_form})
    assert refused.status_code == 422
    assert "birth_date" in refused.json()["fields"]
    assert not Registration.objects.exists()


def test_a_child_cannot_file_alone(amal_client: Client, child_form: dict) -> None:
    refused = post(amal_client, "/api/v1/registrations", {"data": child_form})
    assert refused.status_code == 422
    assert "parent or guardian" in refused.json()["fields"]["birth_date"][0]
