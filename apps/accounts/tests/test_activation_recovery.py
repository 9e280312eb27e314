"""Bilal signed up but his activation e-mail never reached him. He can always recover:
he asks for a new link (page or API), or asks to reset his password, which sends the
activation link instead. Nobody learns whether an address has an account, and nobody
can make us flood a mailbox."""

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from apps.accounts import services
from apps.accounts.models import User
from apps.accounts.notifications import ACTIVATION, PASSWORD_RESET
from apps.accounts.permissions import Role
from apps.outbox.models import Message

pytestmark = pytest.mark.django_db
Capture = Callable[..., Any]
PASSWORD = "a long and unusual passphrase"


@pytest.fixture(autouse=True)
def _fresh_limits() -> Iterator[None]:
    cache.clear()  # the per-client counters live in the cache
    yield
    cache.clear()


@pytest.fixture
def bilal() -> User:
    """Bilal's sign-up committed, but the e-mail never reached him (it was lost)."""
    user = services.signup(
        email="bilal@example.org", password=PASSWORD, role=Role.REGISTRANT, language="es"
    )
    Message.objects.filter(user=user).update(state="failed")
    return user


def link_in_last_mail() -> str:
    match = re.search(r"https?://[^/]+(/accounts/verify/\S+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_bilal_asks_for_a_new_link_and_activates(
    bilal: User, django_capture_on_commit_callbacks: Capture
) -> None:
    client = Client()
    page = client.get("/accounts/activation/resend/")
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/accounts/activation/resend/", {"email": "Bilal@Example.org"})
    assert answer.status_code == 200
    assert b"we sent it a new link" in answer.content
    assert "correo" in mail.outbox[-1].subject.lower()  # in the language he signed up in
    assert client.get(link_in_last_mail()).status_code == 200
    bilal.refresh_from_db()
    assert bilal.is_active


def test_the_answer_is_the_same_for_an_unknown_or_active_address(amal: User) -> None:
    answers = [
        Client().post("/accounts/activation/resend/", {"email": address})
        for address in ("nobody@example.org", "amal@example.org")
    ]
    assert answers[0].status_code == answers[1].status_code == 200
    main = [answer.content.split(b"<main>")[1].split(b"</main>")[0] for answer in answers]
    assert main[0] == main[1]
    assert not Message.objects.exists()


def test_a_bad_address_gets_a_form_error() -> None:
    answer = Client().post("/accounts/activation/resend/", {"email": "not an address"})
    assert answer.status_code == 400
    assert not Message.objects.exists()


def test_an_account_is_sent_a_few_messages_an_hour_at_most(bilal: User) -> None:
    for _ in range(5):
        services.resend_activation("bilal@example.org")
    # The sign-up's own message counts: 3 an hour in all.
    assert Message.objects.filter(user=bilal, kind=ACTIVATION).count() == 3


def test_one_client_cannot_spray_addresses() -> None:
    client = Client()
    statuses = [
        client.post("/accounts/activation/resend/", {"email": f"n{i}@example.org"}).status_code
        for i in range(11)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    refused = client.post("/accounts/activation/resend/", {"email": "n@example.org"})
    assert int(refused["Retry-After"]) > 0
    assert b"Try again in" in refused.content


def test_the_api_answers_202_and_then_429(bilal: User) -> None:
    client = Client()
    body = json.dumps({"email": "bilal@example.org"})
    first = client.post("/api/v1/auth/resend-activation", body, content_type="application/json")
    assert first.status_code == 202
    assert Message.objects.filter(user=bilal, kind=ACTIVATION, state="queued").count() == 1
    for _ in range(10):
        last = client.post("/api/v1/auth/resend-activation", body, content_type="application/json")
    assert last.status_code == 429
    assert last.json()["code"] == "rate_limited"
    assert int(last["Retry-After"]) > 0
    bad = client.post(
        "/api/v1/auth/resend-activation",
        json.dumps({"email": "x\x00@example.org"}),
        content_type="application/json",
    )
    assert bad.status_code == 422


def test_password_reset_on_an_account_never_activated_sends_the_activation(
    bilal: User, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        answer = Client().post("/accounts/password-reset/", {"email": "bilal@example.org"})
    assert answer.status_code == 302
    assert "/accounts/verify/" in mail.outbox[-1].body
    assert not Message.objects.filter(kind=PASSWORD_RESET).exists()


def test_an_account_an_administrator_deactivated_gets_nothing(amal: User) -> None:
    amal.is_active = False
    amal.save()
    Client().post("/accounts/password-reset/", {"email": "amal@example.org"})
    services.resend_activation("amal@example.org")
    assert not Message.objects.exists()


def test_an_expired_link_points_to_a_new_one() -> None:
    page = Client().get("/accounts/verify/expired-token/")
    assert page.status_code == 400
    assert b"/accounts/activation/resend/" in page.content


def test_sign_in_offers_a_new_link() -> None:
    assert b"/accounts/activation/resend/" in Client().get("/accounts/login/").content


def test_the_reset_link_is_made_when_sent_not_stored(amal: User) -> None:
    services.request_password_reset("amal@example.org")
    message = Message.objects.get(kind=PASSWORD_RESET)
    assert message.params == {"user_id": amal.pk}
    assert message.created_at <= timezone.now()
