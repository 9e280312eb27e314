"""People and records for the statistics stories.

Registrations are made straight in the database (a person, a submitted case at an
office, in a given month): statistics count rows, not forms, and a story needs
hundreds of them. Redress and hold events are real audit entries written with
`audit.record`, by the cross-team conventions."""

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import Role
from apps.appointments.models import Office
from apps.audit import services as audit
from apps.audit.models import Action
from apps.registrations.models import CaseState, Person, Registration


def at(month: str, day: int = 1) -> dt.datetime:
    year, number = (int(part) for part in month.split("-"))
    return dt.datetime(year, number, day, tzinfo=dt.UTC)


def make_offices(*codes: str) -> None:
    for code in codes:
        Office.objects.get_or_create(
            code=code, defaults={"name": f"{code} office", "address": f"1 Main St, {code}"}
        )


def registrations(
    count: int,
    month: str,
    *,
    office: str = "PAT",
    state: str = CaseState.REGISTERED,
    program: str = "us-2025",
    person: Person | None = None,
) -> list[Registration]:
    """`count` submitted registrations in `month`, each of a new person unless one is given."""
    filer, _ = User.objects.get_or_create(
        username="filer@example.org", defaults={"role": Role.REGISTRANT.value}
    )
    made = []
    for _number in range(count):
        owner = person or Person.objects.create(program=program)
        made.append(
            Registration.objects.create(
                person=owner,
                program=program,
                program_version="1",
                filed_by=filer,
                state=state,
                case_number=f"T-{uuid.uuid4().hex[:12]}",
                office_code=office,
                submitted_at=at(month),
            )
        )
    return made


def events(
    count: int, action: Action, object_type: str, *, subject: uuid.UUID | None = None
) -> None:
    """`count` audit entries as another app writes them (now: release the current month
    with `today=NEXT_MONTH`), each about a new person unless `subject` is given."""
    with transaction.atomic():
        for _ in range(count):
            audit.record(
                actor=audit.SYSTEM,
                action=action,
                subject_id=subject or uuid.uuid4(),
                object_type=object_type,
                object_id="x",
                detail={"code": "test"},
            )


def this_month() -> str:
    return timezone.localdate().strftime("%Y-%m")


def next_month() -> dt.date:
    """A day after the current month, so the current month counts as ended."""
    today = timezone.localdate()
    return (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


@pytest.fixture
def precise() -> Iterator[None]:
    """So much epsilon that the noise is almost always zero: the counts can be checked.
    (Only for checking the counting; real releases use the settings' epsilon.)"""
    with override_settings(STATISTICS_YEARLY_EPSILON="10000", STATISTICS_RELEASE_EPSILON="900"):
        yield


def cells(release: Any, table: str) -> dict[str, int | None]:
    import json

    document = json.loads(release.document)
    return {cell["key"]: cell["value"] for cell in document["tables"][table]["cells"]}
