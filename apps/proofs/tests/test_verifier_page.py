"""A port officer, not signed in, checks Amal's proof on /verify/: by pasting its text,
by uploading a photo of the QR, in English or Spanish. The page keeps nothing: no audit
entry, no log line about the verifier or the holder."""

import io
import logging

import pytest
import segno
from django.test import Client
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEntry
from apps.proofs import services
from apps.proofs.tests.keys_for_tests import Issuer
from apps.registrations import casework
from apps.registrations.models import Registration

pytestmark = pytest.mark.django_db


def verdict_of(response: object) -> str:
    html = response.content.decode()  # type: ignore[attr-defined]
    marker = 'data-outcome="'
    assert marker in html, html[:2000]
    return html.split(marker, 1)[1].split('"', 1)[0]


def test_a_pasted_proof_is_valid_and_shows_the_card_to_compare(
    amal: User, amal_registered: Registration
) -> None:
    issued = services.current_proof(amal, amal_registered)
    response = Client().post("/verify/", {"text": issued.text})
    assert response.status_code == 200
    assert verdict_of(response) == "valid"
    html = response.content.decode()
    assert str(amal_registered.case_number) in html
    assert services.card_number_display(issued.proof.card_number) in html
    assert "Haddad" not in html  # no name: the card shows it, the QR does not
    assert response["Cache-Control"].startswith("max-age=0")
    assert response["Referrer-Policy"] == "same-origin"


def test_the_page_reads_in_spanish(amal: User, amal_registered: Registration) -> None:
    issued = services.current_proof(amal, amal_registered)
    client = Client(headers={"accept-language": "es"})
    response = client.post("/verify/", {"text": issued.text})
    assert verdict_of(response) == "valid"
    assert '<html lang="es">' in response.content.decode()


def test_a_photographed_qr_code_is_read(amal: User, amal_registered: Registration) -> None:
    issued = services.current_proof(amal, amal_registered)
    picture = io.BytesIO()
    segno.make(issued.text, error="m").save(picture, kind="png", scale=6)
    picture.name = "qr.png"
    picture.seek(0)
    response = Client().post("/verify/", {"image": picture})
    assert verdict_of(response) == "valid"


def test_a_picture_without_a_qr_code_says_so() -> None:
    from apps.proofs.tests.portraits import astronaut_jpeg

    picture = io.BytesIO(astronaut_jpeg())
    picture.name = "face.jpg"
    response = Client().post("/verify/", {"image": picture})
    assert verdict_of(response) == "unreadable"
    assert "No QR code was found" in response.content.decode()


def test_outcomes_for_revoked_foreign_and_damaged_proofs(
    amal: User, amal_registered: Registration
) -> None:
    issued = services.current_proof(amal, amal_registered)
    damaged = issued.text[:-3] + ("A" if issued.text[-3] != "A" else "B") + issued.text[-2:]
    assert verdict_of(Client().post("/verify/", {"text": damaged})) in {"tampered", "unreadable"}
    assert verdict_of(Client().post("/verify/", {"text": Issuer().proof()})) == "unknown_issuer"
    assert verdict_of(Client().post("/verify/", {"text": "hello"})) == "unreadable"
    casework.record_departure(amal, amal_registered, departed_on=timezone.localdate(), port="JFK")
    assert verdict_of(Client().post("/verify/", {"text": issued.text})) == "revoked"


def test_an_empty_form_asks_for_a_qr_code() -> None:
    response = Client().post("/verify/", {})
    assert response.status_code == 400
    assert Client().get("/verify/").status_code == 200


def test_checking_writes_no_audit_entry_and_no_log_line(
    amal: User, amal_registered: Registration, caplog: pytest.LogCaptureFixture
) -> None:
    issued = services.current_proof(amal, amal_registered)
    before = AuditEntry.objects.count()
    caplog.set_level(logging.DEBUG)
    client = Client(REMOTE_ADDR="203.0.113.7", headers={"user-agent": "PortScanner/1.0"})
    for text in (issued.text, issued.text + "X", "nonsense"):
        client.post("/verify/", {"text": text})
    client.post("/api/v1/proofs/verify", {"text": issued.text}, content_type="application/json")
    assert AuditEntry.objects.count() == before
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in (
        str(amal_registered.case_number),
        issued.proof.card_number,
        issued.text[:40],
        "203.0.113.7",
        "PortScanner",
    ):
        assert secret not in logged


def test_the_json_verifier_answers_the_same(amal: User, amal_registered: Registration) -> None:
    issued = services.current_proof(amal, amal_registered)
    response = Client().post(
        "/api/v1/proofs/verify", {"text": issued.text}, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "valid"
    assert body["registration_number"] == amal_registered.case_number
    assert body["card_number"] == services.card_number_display(issued.proof.card_number)
    assert (
        Client()
        .post("/api/v1/proofs/verify", {"text": ""}, content_type="application/json")
        .status_code
        == 422
    )


def test_every_reason_the_verifier_gives_has_a_translated_text() -> None:
    from apps.proofs import verifier, verify

    assert set(verify.REASONS) <= set(verifier.REASONS)
    assert set(verify.Outcome) == set(verifier.OUTCOMES)


def test_the_json_verifier_needs_no_session_or_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/proofs/verify", {"text": "RG1:00"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["outcome"] in {"unreadable", "tampered"}
