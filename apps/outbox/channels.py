"""Channels: how a composed message leaves the registry.

A channel is any class with `send(message, content)` listed in OUTBOX_CHANNELS under
the name stored in `Message.channel`. It raises DeliveryFailed(permanent=True) when
trying again cannot help (the address is refused), any other exception for a failure
worth retrying. It gets the message id to pass on as an idempotency key where the
provider takes one, so a message sent twice after a crash can be recognised as one
(e-mail: the Message-ID header; an SMS gateway: its idempotency key)."""

import functools
import smtplib
from typing import Protocol
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from apps.outbox.kinds import Composed
from apps.outbox.models import Message


class DeliveryFailed(Exception):
    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Channel(Protocol):
    def send(self, message: Message, content: Composed) -> None: ...


class EmailChannel:
    """Django's configured e-mail backend (EMAIL_BACKEND, EMAIL_HOST, ...)."""

    def send(self, message: Message, content: Composed) -> None:
        domain = urlsplit(settings.SITE_URL).hostname or "registry.invalid"
        email = EmailMessage(
            subject=content.subject,
            body=content.body,
            to=[message.recipient],
            headers={"Message-ID": f"<{message.id}@{domain}>"},
        )
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as error:
            raise DeliveryFailed("the mail server refused the address", permanent=True) from error


@functools.cache
def channel(name: str) -> Channel:
    """The channel called `name`; KeyError when OUTBOX_CHANNELS has no such channel."""
    return import_string(settings.OUTBOX_CHANNELS[name])()
