"""Marking a page or endpoint that needs no permission at all.

Every handler must say what it needs (tests/test_architecture.py checks it). A handler
for anyone, signed in or not (the proof verifier, the public statistics, the issuer's
keys), says so with `@public`, so that "no check" is always a decision, never an
omission.
"""

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])


def public(handler: F) -> F:
    handler.is_public = True  # type: ignore[attr-defined]
    return handler
