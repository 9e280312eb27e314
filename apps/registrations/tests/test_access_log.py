"""Olu reads Amal's record for a stated purpose; Amal sees who, when and why."""

import json
from typing import Any

import pytest
from django.test import Client

from apps.audit.models import AuditEntry
from apps.registrations.models import Registration
from conftest import client_for

pytestmark = pytest.mark.django_db


def filed(amal_client: Client, valid_form: dict) -> Registration:
    response = amal_client.post(
        "/api/v1/registrations", json.dumps({"data": valid_form}), content_type="application/json"
    )
    return Registration.objects.get(pk=response.json()["id"])


def test_an_officer_read_is_logged_and_shown_to_amal(
    amal_client: Client, olu: Any, valid_form: dict
) -> None:
    registration = filed(amal_client, valid_form)
    officer = client_for(olu)

    response = officer.get(
        f"/api/v1/persons/{registration.person_id}", {"purpose": "case-processing"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["registrations"][0]["form"]["family_name"] == "Haddad"

    log = amal_client.get("/api/v1/me/access-log").json()
    read = next(e for e in log if e["action"] == "read")
    assert read["actor_role"] == "officer"
    assert read["actor_id"] == olu.pk
    assert read["purpose"] == "case-processing"
    assert read["legal_basis"]

    page = amal_client.get("/my/access-log/").content.decode()
    # The program's words for the purpose; nobody's account number.
    assert "An officer opened your case to process your registration." in page
    assert f"#{olu.pk}" not in page
    spanish = amal_client.get("/my/access-log/", headers={"Accept-Language": "es"})
    assert "Un funcionario abrió su caso para tramitar su registro." in spanish.content.decode()


def test_a_read_without_an_allowed_purpose_reads_and_logs_nothing(
    amal_client: Client, olu: Any, valid_form: dict
) -> None:
    registration = filed(amal_client, valid_form)
    before = AuditEntry.objects.count()
    response = client_for(olu).get(
        f"/api/v1/persons/{registration.person_id}", {"purpose": "curiosity"}
    )
    assert response.status_code == 422
    assert "purpose" in response.json()["fields"]
    assert AuditEntry.objects.count() == before


def test_a_purpose_that_needs_a_reference_requires_one(
    amal_client: Client, olu: Any, valid_form: dict
) -> None:
    registration = filed(amal_client, valid_form)
    path = f"/api/v1/persons/{registration.person_id}"
    missing = client_for(olu).get(path, {"purpose": "court-order"})
    assert missing.status_code == 422
    assert "reference" in missing.json()["fields"]
    given = client_for(olu).get(path, {"purpose": "court-order", "reference": "Order 24-CV-118"})
    assert given.status_code == 200
    entry = AuditEntry.objects.filter(action="read", actor_id=olu.pk).get()
    assert entry.reference == "Order 24-CV-118"


def test_amal_does_not_see_other_peoples_entries(
    amal_client: Client, valid_form: dict, user_with_role: Any
) -> None:
    from apps.accounts.permissions import Role

    filed(amal_client, valid_form)
    bilal = client_for(user_with_role(Role.REGISTRANT, "bilal"))
    assert bilal.get("/api/v1/me/access-log").json() == []
