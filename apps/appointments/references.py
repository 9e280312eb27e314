"""Appointment references: six characters in two groups ("K7M-4QP") that a person can
read out over the phone or at the counter without spelling mistakes.

The alphabet leaves out 0/O, 1/I/L and U, which are misheard or misread; 30 symbols
give 729 million references, drawn at random so that one reference says nothing about
another. A reference is made once per appointment and kept through its reschedules."""

import secrets

from apps.appointments.models import Booking

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    """A reference no booking has used yet (checked, and for the active ones also
    guarded by the database's unique constraint)."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(6))
        reference = f"{code[:3]}-{code[3:]}"
        if not Booking.objects.filter(reference=reference).exists():
            return reference


def normalize(typed: str) -> str:
    """What someone typed or heard, as stored: upper case, spaces and dashes ignored.
    Characters outside the alphabet stay, so a wrong reference simply finds nothing."""
    code = "".join(ch for ch in typed.upper() if ch.isalnum())[:6]
    return f"{code[:3]}-{code[3:]}" if len(code) == 6 else code
