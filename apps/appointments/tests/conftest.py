"""The offices of our stories and helpers to file a case and name a slot.

Paterson (PAT, New Jersey) and Newark (NWK, New Jersey) open Monday to Friday, 9 to 12,
in 30-minute slots of two places; Brooklyn (BKN, New York) too, with one place."""

import datetime as dt
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts.models import User
from apps.appointments.models import Office, OpeningHours
from apps.registrations import services as registrations
from apps.registrations.models import Registration
from conftest import VALID_FORM

NEW_YORK = "America/New_York"


Committed = Callable[[], AbstractContextManager[Any]]


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Committed:
    """`with committed(): ...` runs what the block leaves for after commit (e-mails)
    when it ends, as a real commit would; tests run inside one transaction otherwise."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def make_office(
    code: str, *, region: str = "NJ", capacity: int = 2, minutes: int = 30, **extra: Any
) -> Office:
    office = Office.objects.create(
        code=code,
        name=extra.pop("name", f"{code} office"),
        region=region,
        address=extra.pop("address", f"1 Main Street\n{code} City, {region}"),
        timezone=extra.pop("timezone", NEW_YORK),
        slot_minutes=minutes,
        capacity_per_slot=capacity,
        **extra,
    )
    for weekday in range(5):
        OpeningHours.objects.create(
            office=office, weekday=weekday, opens=dt.time(9), closes=dt.time(12)
        )
    return office


@pytest.fixture
def paterson(db: None) -> Office:
    return make_office("PAT", name="Paterson Service Center")


@pytest.fixture
def newark(db: None) -> Office:
    return make_office("NWK", name="Newark Field Office")


@pytest.fixture
def brooklyn(db: None) -> Office:
    return make_office("BKN", region="NY", capacity=1, name="Brooklyn Office")


def file_case(user: User, *, for_child: bool = False, data: dict | None = None) -> Registration:
    registration, _ = registrations.file_registration(
        user,
        program_slug="us-2025",
        for_child=for_child,
        data=data or VALID_FORM,
        language="en",
        idempotency_key=None,
    )
    return registration


def weekday_ahead(weekday: int = 1, *, weeks: int = 0) -> dt.date:
    """The first `weekday` (0 = Monday) at least three days from today, `weeks` later:
    far enough from now that the booking notice never matters."""
    day = timezone.now().date() + dt.timedelta(days=3)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day + dt.timedelta(weeks=weeks)


def at(office: Office, day: dt.date, clock: str) -> dt.datetime:
    """The UTC instant of `clock` (HH:MM) at the office on `day`."""
    hours, minutes = (int(part) for part in clock.split(":"))
    local = dt.datetime.combine(day, dt.time(hours, minutes), tzinfo=office.tz)
    return local.astimezone(dt.UTC)


def post_json(client: Client, path: str, body: Any, **headers: str) -> Any:
    payload = json.dumps(body, default=str) if body is not None else ""
    return client.post(path, payload, content_type="application/json", headers=headers)


def book_body(registration: Registration, office: Office, starts_at: dt.datetime) -> dict:
    return {
        "case_number": registration.case_number,
        "office": office.code,
        "starts_at": starts_at.isoformat(),
    }


def started(booking: Any, *, hours: int = 1) -> None:
    """Let time pass: the booking's slot now started `hours` ago (a test-only shortcut
    past the services, which never book in the past)."""
    from apps.appointments.models import Slot

    past = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=hours)
    Slot.objects.filter(pk=booking.slot_id).update(starts_at=past)
    booking.refresh_from_db()
    booking.slot.refresh_from_db()
