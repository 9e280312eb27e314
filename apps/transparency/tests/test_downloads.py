"""Anyone can download a release as JSON or CSV and check, with the registry's public
statistics key alone, that the registry published exactly these numbers."""

import base64
import csv
import io
import json
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from apps.accounts.models import User
from apps.transparency import documents, services
from apps.transparency.tests.conftest import make_offices, registrations
from apps.vault import signing

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(priya: User) -> str:
    make_offices("PAT")
    registrations(40, "2026-10")
    release, _ = services.release_statistics(priya, "2026-10")
    return release.release_id


def public_key(client: Client, key_id: str) -> Ed25519PublicKey:
    keys = client.get("/transparency/keys.json").json()
    assert keys["purpose"] == "statistics"
    (key,) = [k for k in keys["keys"] if k["key_id"] == key_id]
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(key["public_key"]))


def test_the_json_download_verifies_with_the_published_key(october: str) -> None:
    client = Client()
    response = client.get(f"/transparency/statistics/{october}.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert body["release"]["release"] == october
    assert body["release"]["format"] == "registry-statistics/1"
    signature = body["signature"]
    # What a reader does, with nothing but the download and keys.json:
    message = json.dumps(
        body["release"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()
    key = public_key(client, signature["key_id"])
    key.verify(base64.b64decode(signature["value"]), message)
    body["release"]["tables"]["registrations_by_month"]["cells"][0]["value"] = 999
    forged = json.dumps(
        body["release"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()
    with pytest.raises(InvalidSignature):
        key.verify(base64.b64decode(signature["value"]), forged)
    assert documents.verify_download(response.content.decode())
    assert not documents.verify_download(json.dumps(body))
    assert not documents.verify_download("not json")


def test_the_csv_download_is_valid_and_signed(october: str) -> None:
    client = Client()
    response = client.get(f"/transparency/statistics/{october}.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert set(rows[0]) == set(documents.CSV_COLUMNS)
    assert {row["release"] for row in rows} == {october}
    month = next(row for row in rows if row["table"] == "registrations_by_month")
    assert month["key"] == "2026-10"
    for row in rows:
        assert (row["value"] == "") == (row["fewer_than"] == "10")
        assert row["value"] == "" or int(row["value"]) >= 10
    key = public_key(client, response["Registry-Signature-Key-Id"])
    key.verify(base64.b64decode(response["Registry-Signature"]), response.content)
    listed = json.loads(client.get(f"/transparency/statistics/{october}.json").content)
    assert listed["signature"]["csv_value"] == response["Registry-Signature"]


def test_signatures_still_verify_after_the_key_is_rotated(october: str) -> None:
    signing.rotate("statistics")
    response = Client().get(f"/transparency/statistics/{october}.json")
    assert documents.verify_download(response.content.decode())
    keys = Client().get("/transparency/keys.json").json()["keys"]
    assert len(keys) == 2
    assert keys[1]["retired_at"] is not None


def test_the_command_checks_a_saved_download(october: str, tmp_path: Path) -> None:
    client = Client()
    saved = tmp_path / "release.json"
    saved.write_bytes(client.get(f"/transparency/statistics/{october}.json").content)
    table = tmp_path / "release.csv"
    table.write_bytes(client.get(f"/transparency/statistics/{october}.csv").content)
    out = io.StringIO()
    call_command("statistics", "verify", str(saved), "--csv", str(table), stdout=out)
    assert "signed by the registry" in out.getvalue()
    table.write_bytes(table.read_bytes().replace(b"2026-10", b"2026-11"))
    with pytest.raises(CommandError) as failed:
        call_command("statistics", "verify", str(saved), "--csv", str(table), stdout=out)
    assert failed.value.returncode == 1


def test_an_unknown_release_is_not_found() -> None:
    assert Client().get("/transparency/statistics/2026-10-abcdef.json").status_code == 404
    assert Client().get("/transparency/statistics/2026-10-abcdef.csv").status_code == 404
