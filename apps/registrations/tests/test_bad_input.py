"""Bad input of any kind gets a 4xx with a message per field, and writes nothing."""

import json
from typing import Any

import pytest
from django.test import Client

from apps.audit.models import AuditEntry
from apps.registrations.models import Person, Registration
from apps.vault.models import SubjectKey

pytestmark = pytest.mark.django_db


def nothing_written() -> bool:
    return not (
        Registration.objects.exists()
        or Person.objects.exists()
        or SubjectKey.objects.exists()
        or AuditEntry.objects.exists()
    )


def file_raw(client: Client, body: str, content_type: str = "application/json") -> Any:
    return client.post("/api/v1/registrations", body, content_type=content_type)


def file(client: Client, data: Any) -> Any:
    return file_raw(client, json.dumps({"data": data}))


def test_malformed_json(amal_client: Client) -> None:
    response = file_raw(amal_client, '{"data": {"family_name": ')
    assert response.status_code == 400
    assert response.json()["message"]
    assert nothing_written()


def test_wrong_content_type(amal_client: Client, valid_form: dict) -> None:
    response = file_raw(amal_client, json.dumps({"data": valid_form}), "text/plain")
    assert response.status_code == 415
    assert "application/json" in response.json()["message"]
    assert nothing_written()


def test_unknown_top_level_field(amal_client: Client, valid_form: dict) -> None:
    response = file_raw(amal_client, json.dumps({"data": valid_form, "admin": True}))
    assert response.status_code == 422
    assert "admin" in response.json()["fields"]
    assert nothing_written()


def test_unknown_form_field(amal_client: Client, valid_form: dict) -> None:
    response = file(amal_client, {**valid_form, "religion": "none"})
    assert response.status_code == 422
    assert "religion" in response.json()["fields"]
    assert nothing_written()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("family_name", 42),
        ("family_name", ["Haddad"]),
        ("birth_date", 19900314),
        ("birth_date", "14/03/1990"),
        ("birth_date", "1990-02-30"),
        ("criminal_record", "no"),
        ("oath_accepted", 1),
        ("nationality", "Lebanon"),
        ("entry_manner", "by-boat"),
        ("aliases", "Amal Hadad"),
        ("address_history", {"line1": "x"}),
    ],
)
def test_wrong_types_and_formats(
    amal_client: Client, valid_form: dict, field: str, value: Any
) -> None:
    response = file(amal_client, {**valid_form, field: value})
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]
    assert nothing_written()


def test_birth_in_the_future(amal_client: Client, valid_form: dict) -> None:
    response = file(amal_client, {**valid_form, "birth_date": "2999-01-01"})
    assert response.status_code == 422
    assert "future" in response.json()["fields"]["birth_date"][0]
    assert nothing_written()


def test_entry_before_birth(amal_client: Client, valid_form: dict) -> None:
    response = file(amal_client, {**valid_form, "entry_date": "1980-01-01"})
    assert response.status_code == 422
    assert "before the date of birth" in response.json()["fields"]["entry_date"][0]
    assert nothing_written()


def test_a_one_megabyte_name(amal_client: Client, valid_form: dict) -> None:
    response = file(amal_client, {**valid_form, "family_name": "A" * 1_000_000})
    assert response.status_code in (413, 422, 400)
    assert nothing_written()


def test_a_long_name_within_the_request_limit(amal_client: Client, valid_form: dict) -> None:
    response = file(amal_client, {**valid_form, "family_name": "A" * 5000})
    assert response.status_code == 422
    assert "At most 100 characters" in response.json()["fields"]["family_name"][0]
    assert nothing_written()


def test_an_address_that_ends_before_it_starts(amal_client: Client, valid_form: dict) -> None:
    address = {**valid_form["address_history"][0], "to": "2024-01-01"}
    response = file(amal_client, {**valid_form, "address_history": [address]})
    assert response.status_code == 422
    assert "address_history[0].to" in response.json()["fields"]
    assert nothing_written()


def test_unsigned_oath(amal_client: Client, valid_form: dict) -> None:
    response = file(amal_client, {**valid_form, "oath_accepted": False})
    assert response.status_code == 422
    assert "oath" in response.json()["fields"]["oath_accepted"][0]
    assert nothing_written()


def test_every_missing_field_is_named(amal_client: Client) -> None:
    response = file(amal_client, {})
    assert response.status_code == 422
    fields = response.json()["fields"]
    for required in ("family_name", "birth_date", "entry_date", "address_history", "oath_accepted"):
        assert required in fields
    assert nothing_written()


def test_data_that_is_not_an_object(amal_client: Client) -> None:
    response = file_raw(amal_client, json.dumps({"data": ["Haddad"]}))
    assert response.status_code == 422
    assert nothing_written()


def test_spanish_error_messages(amal_client: Client, valid_form: dict) -> None:
    response = amal_client.post(
        "/api/v1/registrations",
        json.dumps({"data": {**valid_form, "birth_date": "2999-01-01"}}),
        content_type="application/json",
        headers={"Accept-Language": "es"},
    )
    assert response.status_code == 422
    assert "futuro" in response.json()["fields"]["birth_date"][0]
