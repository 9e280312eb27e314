"""Amal forgot her password: she asks for a link, follows it, signs in with the new one."""

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from apps.accounts.models import User

pytestmark = pytest.mark.django_db


def test_amal_resets_her_password(amal: User, django_capture_on_commit_callbacks: Any) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail leaves at commit
        client.post("/accounts/password-reset/", {"email": "amal@example.org"})
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+/\S+/)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    new_password = "another long unusual passphrase"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    signed_in = Client().post(
        "/accounts/login/", {"username": "amal@example.org", "password": new_password}
    )
    assert signed_in.status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_mail() -> None:
    response = Client().post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302  # no hint whether the address has an account
    assert not mail.outbox
