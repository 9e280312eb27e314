"""No plaintext of a registrant's name or document number reaches the database."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from apps.registrations import access
from apps.registrations.models import Registration

NAME = "Zenobia Quetzalli"
FAMILY = "Ozymandiasdottir"
PASSPORT = "QZ9087654321"


def file_zenobia(client: Client, valid_form: dict) -> Registration:
    form = {
        **valid_form,
        "family_name": FAMILY,
        "given_names": NAME,
        "passport_number": PASSPORT,
        "signature_name": f"{NAME} {FAMILY}",
    }
    response = client.post(
        "/api/v1/registrations", json.dumps({"data": form}), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return Registration.objects.get(pk=response.json()["id"])


def assert_no_plaintext(blob: bytes) -> None:
    for secret in (NAME, FAMILY, PASSPORT, "Quetzalli", "QZ9087654321"):
        assert secret.encode() not in blob, f"{secret!r} found in the database"
        assert secret.encode("utf-16-le") not in blob


@pytest.mark.django_db
def test_the_sqlite_file_holds_no_plaintext(
    amal_client: Client, valid_form: dict, tmp_path: Path
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite file check runs in the SQLite pass; PostgreSQL has pg_dump below")
    registration = file_zenobia(amal_client, valid_form)
    # The test database lives in memory: serialize() gives the exact bytes its file
    # would hold, pages, free space and all, as this connection sees them.
    connection.ensure_connection()
    blob = connection.connection.serialize()
    (tmp_path / "copy.sqlite3").write_bytes(blob)  # kept for a person to inspect
    assert b"audit_auditentry" in blob  # it is the real database file
    assert registration.case_number.encode() in blob  # with this filing in it
    assert_no_plaintext(blob)


@pytest.mark.django_db(transaction=True)
def test_a_pg_dump_holds_no_plaintext(amal_client: Client, valid_form: dict) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the pg_dump check runs in the PostgreSQL pass; SQLite has its own above")
    registration = file_zenobia(amal_client, valid_form)
    db = settings.DATABASES["default"]
    dump = subprocess.run(  # noqa: S603
        [
            shutil.which("pg_dump") or "pg_dump",
            "-h",
            db["HOST"] or "127.0.0.1",
            "-p",
            str(db["PORT"] or 5432),
            "-U",
            db["USER"] or "postgres",
            connection.settings_dict["NAME"],
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""},
    ).stdout
    assert b"registrations_registration" in dump
    assert registration.case_number.encode() in dump
    assert_no_plaintext(dump)


@pytest.mark.django_db
def test_erasing_makes_the_record_unreadable(
    amal_client: Client, valid_form: dict, priya: object, amal: object
) -> None:
    registration = file_zenobia(amal_client, valid_form)
    assert access.read_own_form(amal, registration)["family_name"] == FAMILY  # type: ignore[arg-type]

    assert access.erase_person(priya, registration.person_id, reason="naturalisation")  # type: ignore[arg-type]

    registration.refresh_from_db()
    with pytest.raises(access.PersonErased):
        access.read_own_form(amal, registration)  # type: ignore[arg-type]
    assert not registration.person.index_entries.exists()
    assert registration.case_number  # the case shell stays, without personal data
