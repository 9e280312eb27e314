"""Gabriela registered her son Yusuf at eight; on his 14th birthday the daily job opens
his re-registration, once, and tells the family."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command

from apps.accounts.models import User
from apps.registrations import services
from apps.registrations.models import CaseState, Person, Registration
from apps.registrations.reregistration import open_reregistrations
from conftest import CHILD_FORM

pytestmark = pytest.mark.django_db

BIRTHDAY_14 = dt.date(2032, 6, 1)  # CHILD_FORM's birth date is 2018-06-01


def yusuf_filed(gabriela: User) -> Registration:
    case, _ = services.file_registration(
        gabriela, program_slug="us-2025", for_child=True, data=CHILD_FORM, language="es",
        idempotency_key=None,
    )  # fmt: skip
    return case


def test_the_due_day_is_the_14th_birthday(gabriela: User) -> None:
    case = yusuf_filed(gabriela)
    assert Person.objects.get(pk=case.person_id).reregistration_due_on == BIRTHDAY_14


def test_nothing_opens_before_the_birthday(gabriela: User) -> None:
    yusuf_filed(gabriela)
    run = open_reregistrations(BIRTHDAY_14 - dt.timedelta(days=1))
    assert run.opened == []


def test_the_job_opens_one_case_however_often_it_runs(gabriela: User) -> None:
    original = yusuf_filed(gabriela)
    first = open_reregistrations(BIRTHDAY_14)
    again = open_reregistrations(BIRTHDAY_14 + dt.timedelta(days=1))
    assert len(first.opened) == 1
    assert again.opened == []
    case = Registration.objects.get(case_number=first.opened[0])
    assert case.reregistration_of == original
    assert case.person_id == original.person_id
    assert case.state == CaseState.SUBMITTED
    assert case.due_on == BIRTHDAY_14 + dt.timedelta(days=30)
    assert case.transitions.get().actor_role == "system"


def test_the_command_shows_progress_and_notifies_the_family(
    gabriela: User, django_capture_on_commit_callbacks: object
) -> None:
    yusuf_filed(gabriela)
    out, err = io.StringIO(), io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        call_command(
            "reregistration_job", "--date", BIRTHDAY_14.isoformat(), stdout=out, stderr=err
        )
    assert "Opened 1 re-registration" in out.getvalue()
    assert "1/1 children checked" in err.getvalue()
    assert mail.outbox[-1].to == [gabriela.email]
    assert "14" in mail.outbox[-1].subject


def test_a_malformed_date_is_a_clear_error() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("reregistration_job", "--date", "1st of June")
