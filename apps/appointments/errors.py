"""Appointment errors: each has a code, a message that says what to do next, and, where
another time would do, the nearest free alternatives."""

from collections.abc import Sequence
from typing import Any

from registry.errors import Conflict, DomainError, FormInvalid


def _alternatives(alternatives: Sequence[Any]) -> list[dict[str, Any]]:
    return [
        {"office": a.office.code, "starts_at": a.starts_at.isoformat(), "places": a.places}
        for a in alternatives
    ]


class WithAlternatives(DomainError):
    """An error that comes with other free slots to offer (`FreeSlot`s)."""

    def __init__(self, message: str, *, alternatives: Sequence[Any]) -> None:
        super().__init__(message, fields={"starts_at": [message]})
        self.alternatives = alternatives

    def as_dict(self) -> dict[str, Any]:
        body = super().as_dict()
        body["alternatives"] = _alternatives(self.alternatives)
        return body


class SlotTaken(WithAlternatives, Conflict):
    """Someone else took the last place first."""

    code = "slot_taken"


class SlotNotOffered(WithAlternatives, FormInvalid):
    """The time is not a slot of this office: outside its hours, on a closure day, not
    on the slot grid, in the past or beyond the booking horizon."""

    code = "slot_not_offered"


class UnknownOffice(FormInvalid):
    code = "unknown_office"


class AlreadyBooked(Conflict):
    """The case has an appointment already; move or cancel it instead."""

    code = "already_booked"


class NotBookable(Conflict):
    """The case is not waiting for an appointment (not submitted, or already past it)."""

    code = "not_bookable"


class BookingClosed(Conflict):
    """The appointment is no longer booked, or it has started: it can no longer change."""

    code = "booking_closed"


class TooEarly(Conflict):
    """An office cannot record the outcome of an appointment that has not started."""

    code = "too_early"
