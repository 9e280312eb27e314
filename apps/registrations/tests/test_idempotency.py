"""Retries file one registration; a reused key with another body is refused."""

import json
import uuid
from typing import Any

import pytest
from django.test import Client

from apps.registrations.models import Person, Registration

pytestmark = pytest.mark.django_db


def file(client: Client, body: dict, key: str | None) -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(
        "/api/v1/registrations", json.dumps(body), content_type="application/json", headers=headers
    )


def test_a_retry_with_the_same_key_returns_the_same_case(
    amal_client: Client, valid_form: dict
) -> None:
    key = str(uuid.uuid4())
    first = file(amal_client, {"data": valid_form}, key)
    again = file(amal_client, {"data": valid_form}, key)
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["case_number"] == first.json()["case_number"]
    assert Registration.objects.count() == 1
    assert Person.objects.count() == 1


def test_the_same_key_with_another_body_is_a_conflict(
    amal_client: Client, valid_form: dict
) -> None:
    key = str(uuid.uuid4())
    file(amal_client, {"data": valid_form}, key)
    changed = {**valid_form, "given_names": "Someone Else"}
    response = file(amal_client, {"data": changed}, key)
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert Registration.objects.count() == 1


def test_keys_belong_to_their_user(
    amal_client: Client, valid_form: dict, user_with_role: Any
) -> None:
    from apps.accounts.permissions import Role

    key = "shared-key"
    file(amal_client, {"data": valid_form}, key)
    bilal = Client()
    bilal.force_login(user_with_role(Role.REGISTRANT, "bilal"))
    assert file(bilal, {"data": valid_form}, key).status_code == 201
    assert Registration.objects.count() == 2


def test_submitting_a_draft_twice_files_once(amal_client: Client, valid_form: dict) -> None:
    draft = amal_client.post("/api/v1/drafts", "{}", content_type="application/json").json()
    amal_client.put(
        f"/api/v1/drafts/{draft['id']}",
        json.dumps({"data": valid_form}),
        content_type="application/json",
    )
    first = amal_client.post(
        f"/api/v1/drafts/{draft['id']}/submit", content_type="application/json"
    )
    second = amal_client.post(
        f"/api/v1/drafts/{draft['id']}/submit", content_type="application/json"
    )
    assert first.json()["case_number"] == second.json()["case_number"]
    assert Registration.objects.get().transitions.count() == 1
