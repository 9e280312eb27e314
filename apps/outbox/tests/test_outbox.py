"""The outbox: a message commits with its action or not at all, is sent once, is tried
again with growing pauses when the mail server fails, gives up when trying cannot help,
and waits no longer than a minute when its own delivery task was lost.

Amal signs up; her activation e-mail is the message in these stories."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from apps.accounts import services as accounts
from apps.accounts.models import User
from apps.accounts.notifications import ACTIVATION
from apps.accounts.permissions import Role
from apps.outbox import services as outbox
from apps.outbox.models import Message, MessageState
from apps.outbox.tests.backends import TextMessages

pytestmark = pytest.mark.django_db
Capture = Callable[..., Any]
PASSWORD = "a long and unusual passphrase"


def amal_signs_up() -> User:
    return accounts.signup(
        email="amal@example.org", password=PASSWORD, role=Role.REGISTRANT, language="en"
    )


def activation_message() -> Message:
    return Message.objects.get(kind=ACTIVATION)


def test_the_account_and_its_activation_message_commit_together() -> None:
    user = amal_signs_up()
    message = activation_message()
    assert message.user == user
    assert message.recipient == "amal@example.org"
    assert message.state == MessageState.QUEUED
    assert "token" not in str(message.params)  # only ids: the link is made when sent


def test_a_sign_up_that_rolls_back_leaves_no_message() -> None:
    def sign_up_then_fail() -> None:
        with transaction.atomic():
            amal_signs_up()
            raise RuntimeError("the request failed after the sign-up")

    with pytest.raises(RuntimeError):
        sign_up_then_fail()
    assert not User.objects.filter(
        email="amal@example.org"
    ).exists()  # (the program approvers are seeded)
    assert not Message.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_message_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match="inside the transaction"):
        outbox.queue(ACTIVATION, recipient="x@example.org", language="en")


def test_an_undeclared_kind_or_channel_is_refused() -> None:
    with transaction.atomic():
        with pytest.raises(KeyError, match="not declared"):
            outbox.queue("accounts.welcome-gift", recipient="x@example.org", language="en")
        with pytest.raises(KeyError, match="no channel 'pigeon'"):
            outbox.queue(ACTIVATION, recipient="x", language="en", channel_name="pigeon")


def test_the_message_is_sent_when_the_sign_up_commits(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        amal_signs_up()
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    message = activation_message()
    assert message.state == MessageState.SENT
    assert message.sent_at is not None
    assert sent.to == ["amal@example.org"]
    assert "/accounts/verify/" in sent.body
    # The same id on every attempt lets mail systems recognise a repeat.
    assert sent.extra_headers["Message-ID"] == f"<{message.id}@127.0.0.1>"


def test_a_message_is_sent_once_however_often_it_is_delivered() -> None:
    amal_signs_up()
    message = activation_message()
    assert outbox.deliver(str(message.id)) == MessageState.SENT
    assert outbox.deliver(str(message.id)) == MessageState.SENT
    assert outbox.deliver_due() == {}
    assert len(mail.outbox) == 1


def test_a_failed_send_is_tried_again_after_growing_pauses() -> None:
    amal_signs_up()
    message = activation_message()
    with override_settings(EMAIL_BACKEND="apps.outbox.tests.backends.HangingUp"):
        assert outbox.deliver(str(message.id)) == MessageState.QUEUED
        message.refresh_from_db()
        first_pause = message.next_attempt_at - timezone.now()
        assert "SMTPServerDisconnected" in message.last_error
        assert outbox.deliver(str(message.id)) == MessageState.QUEUED  # not due yet
        assert message.attempts == 1

        Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        outbox.deliver(str(message.id))
        message.refresh_from_db()
        assert message.attempts == 2
        assert message.next_attempt_at - timezone.now() > first_pause

    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert outbox.deliver_due() == {MessageState.SENT: 1}
    assert len(mail.outbox) == 1


def test_it_gives_up_after_its_attempts() -> None:
    amal_signs_up()
    message = activation_message()
    with override_settings(
        EMAIL_BACKEND="apps.outbox.tests.backends.HangingUp", OUTBOX_MAX_ATTEMPTS=2
    ):
        outbox.deliver(str(message.id))
        Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        assert outbox.deliver(str(message.id)) == MessageState.FAILED
    assert outbox.deliver_due() == {}
    assert outbox.waiting_counts()["failed_today"] == 1


def test_an_address_the_server_refuses_fails_at_once() -> None:
    amal_signs_up()
    with override_settings(EMAIL_BACKEND="apps.outbox.tests.backends.Refusing"):
        assert outbox.deliver(str(activation_message().id)) == MessageState.FAILED
    assert "refused the address" in activation_message().last_error


def test_a_message_no_longer_needed_is_cancelled() -> None:
    user = amal_signs_up()
    user.email_verified_at = timezone.now()
    user.is_active = True
    user.save()
    assert outbox.deliver(str(activation_message().id)) == MessageState.CANCELLED
    assert not mail.outbox


def test_a_send_cut_off_by_a_dead_worker_is_taken_up_when_its_claim_runs_out() -> None:
    amal_signs_up()
    message = activation_message()
    # A worker claimed it and died before it could say how the send went.
    Message.objects.filter(pk=message.pk).update(
        state=MessageState.SENDING,
        attempts=1,
        claimed_until=timezone.now() + dt.timedelta(minutes=1),
    )
    assert outbox.deliver_due() == {}  # its claim still holds
    Message.objects.filter(pk=message.pk).update(claimed_until=timezone.now())
    assert outbox.deliver_due() == {MessageState.SENT: 1}


def test_another_channel_plugs_in_beside_e_mail() -> None:
    TextMessages.sent.clear()
    channels = {
        "email": "apps.outbox.channels.EmailChannel",
        "text": "apps.outbox.tests.backends.TextMessages",
    }
    user = amal_signs_up()
    with override_settings(OUTBOX_CHANNELS=channels):
        with transaction.atomic():
            text = outbox.queue(
                ACTIVATION,
                recipient=user.email,
                language="es",
                user=user,
                params={"user_id": user.pk},
                channel_name="text",
            )
        assert outbox.deliver(str(text.id)) == MessageState.SENT
    assert TextMessages.sent[0][0] == "amal@example.org"
    assert "/accounts/verify/" in TextMessages.sent[0][1]


def test_finished_messages_are_pruned_after_their_keeping_period() -> None:
    amal_signs_up()
    message = activation_message()
    outbox.deliver(str(message.id))
    later = timezone.now() + dt.timedelta(days=31)
    assert outbox.prune(later) == 1
    assert not Message.objects.exists()


def test_an_account_retired_by_an_expungement_keeps_no_message(priya: User) -> None:
    from apps.retention import services as retention
    from apps.retention.tests.conftest import file_for

    amal = User.objects.create_user(
        username="amal@example.org",
        email="amal@example.org",
        password=PASSWORD,
        email_verified_at=timezone.now(),
    )
    case = file_for(amal)
    accounts.request_password_reset("amal@example.org")
    assert Message.objects.filter(recipient="amal@example.org").exists()

    retention.expunge_person(priya, case.person_id, ground="naturalisation")

    assert not Message.objects.filter(recipient="amal@example.org").exists()
    assert not Message.objects.filter(user=amal).exists()
