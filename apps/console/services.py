"""The console's own workflows: opening a case for a stated purpose, recording the
appointment (the interview and the booking's attendance together), and the staff
sign-in's second step (enrolling and checking an authenticator).

Case decisions, interviews, assignment and departures are written by
`apps.registrations.casework`; the console only calls them.
"""

import base64
import contextlib
import datetime as dt
import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import User
from apps.appointments import services as appointments
from apps.appointments.errors import TooEarly
from apps.appointments.models import Booking, BookingState
from apps.registrations import access, casework
from apps.registrations.access import StatedPurpose
from apps.registrations.models import Registration

AUTHENTICATOR_NAME = "authenticator"


@dataclass(frozen=True)
class OpenedCase:
    """What a stated purpose opened: every registration of the person (form included),
    the officers' notes on this case and the addresses reported since filing."""

    registrations: list[dict[str, Any]]
    notes: list[dict[str, Any]] = field(default_factory=list)
    moves: list[access.ReportedMove] = field(default_factory=list)


@transaction.atomic
def open_case(actor: User, registration: Registration, purpose: StatedPurpose) -> OpenedCase:
    """Read the person behind `registration` for `purpose`, logging each read with the
    purpose, its legal basis and the reference (in `access.py`, in this transaction).

    Raises FormInvalid when the program does not allow the purpose or a required
    reference is missing: then nothing is read and nothing is logged. Raises
    access.PersonErased when the person's key was destroyed."""
    registrations = access.read_person(actor, registration.person, purpose)
    notes = access.read_case_notes(actor, registration, purpose)
    moves = access.read_addresses(actor, registration, purpose)
    return OpenedCase(registrations, notes, moves)


@transaction.atomic
def record_appointment(
    actor: User,
    registration: Registration,
    *,
    notes: str,
    document_checked: bool,
    now: dt.datetime | None = None,
) -> Registration:
    """The officer saw the registrant at the appointment: the interview is recorded
    (`casework.record_interview`, which leaves the case's state alone) and the booking,
    if the case holds one for today or earlier, is marked attended. Raises as
    `record_interview` does; nothing is written then."""
    recorded = casework.record_interview(
        actor, registration, notes=notes, document_checked=document_checked
    )
    booking = Booking.objects.filter(registration=registration, state=BookingState.BOOKED).first()
    if booking is not None:
        # Someone who came before the day of their booking keeps it open: the office
        # closes it on the day.
        with contextlib.suppress(TooEarly):
            appointments.mark_attended(actor, booking, now=now)
    return recorded


class CodeCheck(StrEnum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class CodeResult:
    outcome: CodeCheck
    device: TOTPDevice | None = None
    wait_seconds: int = 0


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


@transaction.atomic
def pending_device(user: User) -> TOTPDevice:
    """The authenticator being enrolled: created on first use and kept until it is
    confirmed, so the QR code stays the same across page loads."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("-id")
        .first()
    )
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def secret_for_display(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in: base-32, in groups of 4."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def check_code(user: User, device: TOTPDevice, code: str) -> CodeResult:
    """Check a code from `device` (the user's confirmed one, or the one being enrolled).

    A wrong code makes the device wait before the next try, twice as long after each
    failure (django-otp's throttling: 1 s, 2 s, 4 s, …); a try during the wait is
    refused even with the right code. An accepted code confirms an enrolling device and
    drops the user's other unconfirmed ones. The caller then calls django_otp.login."""
    waiting = _wait_seconds(device)
    if waiting:
        return CodeResult(CodeCheck.THROTTLED, wait_seconds=waiting)
    with transaction.atomic():
        verified = verify_token(user, device.persistent_id, code.strip().replace(" ", ""))
        if verified is None:
            device.refresh_from_db()
            return CodeResult(CodeCheck.WRONG, wait_seconds=_wait_seconds(device))
        if not verified.confirmed:
            verified.confirmed = True
            verified.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return CodeResult(CodeCheck.ACCEPTED, device=verified)


def _wait_seconds(device: TOTPDevice) -> int:
    allowed, _details = device.verify_is_allowed()
    if allowed or device.throttling_failure_timestamp is None:
        return 0
    required = device.get_throttle_factor() * 2 ** (device.throttling_failure_count - 1)
    elapsed = (timezone.now() - device.throttling_failure_timestamp).total_seconds()
    return max(1, math.ceil(required - elapsed))
