"""Amal opens an account, confirms her e-mail and signs in; page and API alike."""

import json
import re

import pytest
from django.core import mail
from django.test import Client

from apps.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _send_mail_at_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    """E-mails go out when the sign-up commits. The test's transaction never commits,
    so run on-commit callbacks at once, as a committed sign-up would."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


PASSWORD = "a long and unusual passphrase"


def verification_path() -> str:
    match = re.search(r"https?://[^/]+(/accounts/verify/\S+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_amal_signs_up_on_the_page_verifies_and_signs_in() -> None:
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {"email": "Amal@Example.org", "password": PASSWORD, "role": "registrant"},
    )
    assert response.status_code == 200
    user = User.objects.get(email="amal@example.org")
    assert not user.is_active

    blocked = client.post(
        "/accounts/login/", {"username": "amal@example.org", "password": PASSWORD}
    )
    assert b"not active yet" in blocked.content

    assert client.get(verification_path()).status_code == 200
    user.refresh_from_db()
    assert user.is_active
    assert user.email_verified_at

    signed_in = client.post(
        "/accounts/login/", {"username": "amal@example.org", "password": PASSWORD}
    )
    assert signed_in.status_code == 302


def test_the_verification_email_is_in_the_signup_language() -> None:
    Client().post(
        "/accounts/signup/",
        {"email": "lucia@example.org", "password": PASSWORD, "role": "registrant"},
        headers={"Accept-Language": "es"},
    )
    assert "correo" in mail.outbox[-1].subject.lower()


def test_signup_through_the_api() -> None:
    client = Client()
    created = client.post(
        "/api/v1/auth/signup",
        json.dumps({"email": "bilal@example.org", "password": PASSWORD}),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    token = verification_path().split("/")[-2]
    verified = client.post(
        "/api/v1/auth/verify", json.dumps({"token": token}), content_type="application/json"
    )
    assert verified.json()["email_verified"] is True
    login = client.post(
        "/api/v1/auth/login",
        json.dumps({"email": "bilal@example.org", "password": PASSWORD}),
        content_type="application/json",
    )
    assert login.status_code == 200
    assert client.get("/api/v1/me").json()["role"] == "registrant"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "password": PASSWORD}, "email"),
        ({"email": "x@example.org", "password": "123"}, "password"),
        ({"email": "x@example.org", "password": PASSWORD, "role": "officer"}, "role"),
        ({"email": "x@example.org", "password": PASSWORD, "is_superuser": True}, "is_superuser"),
    ],
)
def test_bad_signups_are_refused_and_write_nothing(body: dict, field: str) -> None:
    before = User.objects.count()  # the test database holds the program approvers
    response = Client().post(
        "/api/v1/auth/signup", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert field in json.dumps(response.json()["fields"])
    assert User.objects.count() == before


def test_a_second_account_for_the_same_email_is_refused() -> None:
    body = json.dumps({"email": "amal@example.org", "password": PASSWORD})
    Client().post("/api/v1/auth/signup", body, content_type="application/json")
    again = Client().post("/api/v1/auth/signup", body, content_type="application/json")
    assert again.status_code == 409
    assert User.objects.filter(email="amal@example.org").count() == 1


def test_a_forged_verification_link_is_refused() -> None:
    response = Client().get("/accounts/verify/forged-token/")
    assert response.status_code == 400


def test_passwords_are_hashed_with_argon2_outside_tests() -> None:
    from registry import settings

    assert "MD5" in settings.PASSWORD_HASHERS[0]  # tests only
    source = open(settings.__file__).read()  # noqa: SIM115
    assert "Argon2PasswordHasher" in source
