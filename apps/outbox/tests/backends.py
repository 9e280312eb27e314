"""Mail servers that misbehave, as Django e-mail backends, and a second channel."""

import smtplib
from collections.abc import Sequence
from typing import ClassVar

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from apps.outbox.kinds import Composed
from apps.outbox.models import Message


class HangingUp(BaseEmailBackend):
    """The mail server hangs up: worth trying again."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class Refusing(BaseEmailBackend):
    """The mail server refuses the address: trying again cannot help."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        recipients = [r for message in email_messages for r in message.to]
        raise smtplib.SMTPRecipientsRefused(dict.fromkeys(recipients, (550, b"no such mailbox")))


class TextMessages:
    """A channel of short text messages (as issue 18's SMS channel will be): keeps what
    it was asked to send."""

    sent: ClassVar[list[tuple[str, str]]] = []

    def send(self, message: Message, content: Composed) -> None:
        TextMessages.sent.append((message.recipient, content.body))
