"""Fixtures for the console's stories: Olu the officer, Sam the supervisor, Amal's
filed case, and cases made in bulk for the queues."""

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import Role
from apps.registrations import services
from apps.registrations.case_numbers import new_case_number
from apps.registrations.models import CaseState, Person, Registration
from conftest import VALID_FORM, client_for, make_user


@pytest.fixture(autouse=True)
def console_urls(settings: Any) -> None:
    settings.ROOT_URLCONF = "apps.console.tests.urls"


@pytest.fixture
def sam(db: None) -> User:
    return make_user(Role.SUPERVISOR)


@pytest.fixture
def olu_client(olu: User) -> Client:
    return client_for(olu)


@pytest.fixture
def sam_client(sam: User) -> Client:
    return client_for(sam)


@pytest.fixture
def amal_case(amal: User) -> Registration:
    """Amal filed her registration; it waits in the Newark office's queue."""
    registration, _ = services.file_registration(
        amal,
        program_slug="us-2025",
        for_child=False,
        data=VALID_FORM,
        language="es",
        idempotency_key=None,
    )
    registration.office_code = "NWK"
    registration.save(update_fields=["office_code"])
    return registration


def move(registration: Registration, state: str) -> Registration:
    """Put a case straight into `state` (the test is about what comes next)."""
    Registration.objects.filter(pk=registration.pk).update(state=state)
    registration.refresh_from_db()
    return registration


@pytest.fixture
def make_cases(amal: User) -> Callable[..., list[Registration]]:
    """Cases without personal data, for queue tests: `n` cases submitted a minute
    apart from `start` (or at the times given), in one office and state."""

    def make(
        n: int = 0,
        *,
        office: str = "NWK",
        state: str = CaseState.SUBMITTED,
        times: list[dt.datetime] | None = None,
        start: dt.datetime | None = None,
        due_on: dt.date | None = None,
        assigned_to: User | None = None,
    ) -> list[Registration]:
        start = start or timezone.now() - dt.timedelta(days=30)
        times = times or [start + dt.timedelta(minutes=i) for i in range(n)]
        persons = Person.objects.bulk_create(
            [Person(id=uuid.uuid4(), program="us-2025") for _ in times]
        )
        return Registration.objects.bulk_create(
            [
                Registration(
                    id=uuid.uuid4(),
                    person=person,
                    program="us-2025",
                    program_version="test",
                    state=state,
                    case_number=new_case_number("us-2025"),
                    filed_by=amal,
                    submitted_at=when,
                    office_code=office,
                    due_on=due_on,
                    assigned_to=assigned_to,
                )
                for person, when in zip(persons, times, strict=True)
            ]
        )

    return make
