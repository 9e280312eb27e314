"""Olu signs in with his password, then with a code from his authenticator: the first
time he enrols it from a QR code; afterwards he types its codes. Wrong codes make him
wait, longer after each one, even if the next code is right."""

import datetime as dt
import re

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # conftest.make_user's


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def a_wrong_code(device: TOTPDevice) -> str:
    valid = {code_for(device, steps_ahead=s) for s in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def signed_in_with_password(user: User) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def time_passes(device: TOTPDevice, seconds: int) -> None:
    """Move the last failure back, as if the officer had waited."""
    device.refresh_from_db()
    if device.throttling_failure_timestamp:
        device.throttling_failure_timestamp -= dt.timedelta(seconds=seconds)
        device.save(update_fields=["throttling_failure_timestamp"])


def test_olu_enrols_his_authenticator_on_first_sign_in(olu: User) -> None:
    client = signed_in_with_password(olu)

    queue = client.get("/console/")
    assert queue.status_code == 302
    assert queue["Location"] == "/console/second-factor/?next=%2Fconsole%2F"

    page = client.get(queue["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html  # the QR code, drawn inline
    device = TOTPDevice.objects.get(user=olu, confirmed=False)
    secret = re.search(r'<span class="secret" id="secret">([A-Z2-7 ]+)</span>', html)
    assert secret
    assert secret.group(1).replace(" ", "") in device.config_url
    assert client.get(queue["Location"]).content.decode().count(secret.group(1)) == 1  # same key

    wrong = client.post(queue["Location"], {"code": a_wrong_code(device), "next": "/console/"})
    assert wrong.status_code == 400
    assert "This code is not right" in wrong.content.decode()
    time_passes(device, 5)

    done = client.post(queue["Location"], {"code": code_for(device), "next": "/console/"})
    assert done.status_code == 302
    assert done["Location"] == "/console/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/console/").status_code == 200


def test_with_an_authenticator_olu_types_a_code_and_never_sees_the_key_again(olu: User) -> None:
    device = TOTPDevice.objects.create(user=olu, name="authenticator", confirmed=True)
    client = signed_in_with_password(olu)

    html = client.get("/console/second-factor/").content.decode()
    assert "<svg" not in html
    assert 'id="secret"' not in html
    assert not TOTPDevice.objects.filter(user=olu, confirmed=False).exists()

    done = client.post("/console/second-factor/", {"code": code_for(device)})
    assert done.status_code == 302
    assert done["Location"] == "/console/"
    assert client.get("/console/").status_code == 200
    # once verified, the step just sends him on
    assert client.get("/console/second-factor/?next=/console/search/")["Location"] == (
        "/console/search/"
    )


def test_a_code_works_once(olu: User) -> None:
    device = TOTPDevice.objects.create(user=olu, name="authenticator", confirmed=True)
    code = code_for(device)
    first = signed_in_with_password(olu).post("/console/second-factor/", {"code": code})
    assert first.status_code == 302
    replay = signed_in_with_password(olu).post("/console/second-factor/", {"code": code})
    assert replay.status_code in (400, 429)


def test_repeated_wrong_codes_make_even_the_right_code_wait(olu: User) -> None:
    device = TOTPDevice.objects.create(user=olu, name="authenticator", confirmed=True)
    client = signed_in_with_password(olu)
    wrong = a_wrong_code(device)

    for attempt in range(5):
        if attempt:
            time_passes(device, 3600)  # each wrong try counts, however slowly they come
        response = client.post("/console/second-factor/", {"code": wrong})
        assert response.status_code == 400
    device.refresh_from_db()
    assert device.throttling_failure_count == 5

    refused = client.post("/console/second-factor/", {"code": code_for(device)})
    assert refused.status_code == 429
    assert "Too many wrong codes. Wait" in refused.content.decode()
    assert client.get("/console/").status_code == 302  # still not through

    time_passes(device, 60)
    accepted = client.post("/console/second-factor/", {"code": code_for(device)})
    assert accepted.status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_the_step_only_sends_people_back_to_this_site(olu: User) -> None:
    device = TOTPDevice.objects.create(user=olu, name="authenticator", confirmed=True)
    client = signed_in_with_password(olu)
    response = client.post(
        "/console/second-factor/", {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/console/"


def test_registrants_have_no_second_step_and_strangers_sign_in_first(amal: User) -> None:
    assert Client().get("/console/second-factor/")["Location"].startswith("/accounts/login/")
    assert signed_in_with_password(amal).get("/console/second-factor/").status_code == 403
    assert not TOTPDevice.objects.filter(user=amal).exists()


def test_an_auditor_is_sent_home_after_the_step(ali: User) -> None:
    device = TOTPDevice.objects.create(user=ali, name="authenticator", confirmed=True)
    client = signed_in_with_password(ali)
    response = client.post("/console/second-factor/", {"code": code_for(device)})
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    ("language", "wanted", "wrong"),
    [
        ("en", "Wait 1 second, then", "Wait 1 seconds"),
        ("es", "Espere 1 segundo y", "Espere 1 segundos"),
    ],
)
def test_after_one_wrong_code_olu_reads_wait_1_second_in_his_language(
    olu: User, language: str, wanted: str, wrong: str
) -> None:
    device = TOTPDevice.objects.create(user=olu, name="authenticator", confirmed=True)
    client = signed_in_with_password(olu)
    client.cookies["django_language"] = language
    assert client.post("/console/second-factor/", {"code": a_wrong_code(device)}).status_code == 400

    refused = client.post("/console/second-factor/", {"code": code_for(device)})
    assert refused.status_code == 429
    html = refused.content.decode()
    assert wanted in html
    assert wrong not in html
