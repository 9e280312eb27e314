"""Kinds of message and the composers that render them.

An app declares each kind it sends in its notifications.py:

    @outbox.kind("accounts.activation")
    def activation(message: Message) -> Composed: ...

The composer runs at delivery, in the message's language, and reads what it needs
from the ids in `message.params`. It raises Gone when what the message was about no
longer exists or no longer calls for it (the message is then cancelled, not retried).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import translation

from apps.outbox.models import Message


@dataclass(frozen=True)
class Composed:
    subject: str  # e-mail subject; a letter's heading; SMS channels may leave it out
    body: str  # plain text


class Gone(Exception):
    """The message is no longer needed (its account, booking or case is gone, or the
    account was activated meanwhile)."""


Composer = Callable[[Message], Composed]
_COMPOSERS: dict[str, Composer] = {}


def kind(name: str) -> Callable[[Composer], Composer]:
    """Register the composer of messages of kind `name` (once per name)."""

    def register(composer: Composer) -> Composer:
        if name in _COMPOSERS and _COMPOSERS[name] is not composer:
            raise ValueError(f"message kind {name!r} is declared twice")
        _COMPOSERS[name] = composer
        return composer

    return register


def is_known(name: str) -> bool:
    return name in _COMPOSERS


def compose(message: Message) -> Composed:
    """Render `message` in its language; KeyError for an undeclared kind."""
    with translation.override(message.language):
        return _COMPOSERS[message.kind](message)
