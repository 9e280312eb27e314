"""The daily retention run: Dina departed eleven years ago, Rami was rejected four years
ago, Tomas left a draft for a hundred days; Amal is registered and active, Olga's case is
still being worked. Only the first three are due, and a run expunges exactly them."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import Role
from apps.audit import services as audit
from apps.audit.models import Action, AuditEntry
from apps.programs.loader import get_program
from apps.registrations import casework, services
from apps.registrations.models import CaseState, Registration
from apps.retention import runs
from apps.retention.models import Expungement, RetentionRun, RunState
from apps.retention.rules import add_years, due_persons
from apps.retention.tests.conftest import age, file_for
from apps.vault.models import SubjectKey
from conftest import make_user

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def put(case: Registration, state: str) -> None:
    Registration.objects.filter(pk=case.pk).update(state=state)
    case.refresh_from_db()


def departed(years_ago: int) -> Registration:
    dina = file_for()
    put(dina, CaseState.REGISTERED)
    casework.record_departure(
        dina.filed_by, dina, departed_on=add_years(TODAY, -years_ago), port="Newark"
    )
    return dina


def draft(days_old: int) -> Registration:
    tomas = make_user(Role.REGISTRANT, f"tomas-{days_old}-{timezone.now().timestamp()}")
    case = services.start_draft(tomas, program_slug="us-2025", for_child=False, language="en")
    age(case, days=days_old)
    return case


@pytest.fixture
def people() -> dict[str, Registration]:
    rami = file_for()
    put(rami, CaseState.REJECTED)
    age(rami, years=4)
    amal = file_for()
    put(amal, CaseState.REGISTERED)
    age(amal, years=31)
    casework.report_address_change(  # a move last year restarts her clock
        amal.filed_by,
        amal.person,
        address={"line1": "2 Elm", "city": "Newark", "region": "NJ", "country": "US"},
        moved_on=TODAY - dt.timedelta(days=3),
    )
    olga = file_for()
    age(olga, years=40)  # submitted long ago, still open: never due
    return {
        "dina": departed(11),
        "recent": departed(2),
        "rami": rami,
        "tomas": draft(100),
        "amal": amal,
        "olga": olga,
    }


def persons(run: RetentionRun) -> set[str]:
    return {item["person"] for item in run.items}


def test_a_dry_run_lists_who_is_due_and_expunges_nobody(people: dict[str, Registration]) -> None:
    run = runs.plan_run("us-2025", dry_run=True)

    assert run.state == RunState.DRY_RUN
    assert persons(run) == {str(people[n].person_id) for n in ("dina", "rami", "tomas")}
    assert run.counts == {"retention-departed": 1, "retention-rejected": 1, "retention-draft": 1}
    by_person = {item["person"]: item for item in run.items}
    assert by_person[str(people["dina"].person_id)]["cases"] == [people["dina"].case_number]
    assert not Expungement.objects.exists()
    assert SubjectKey.objects.filter(wrapped_key__isnull=True).count() == 0
    entry = AuditEntry.objects.get(object_type="retention_run")
    assert (entry.chain, entry.action, entry.subject_id) == ("system", Action.UPDATE, None)
    assert entry.detail["total"] == 3


def test_a_small_run_expunges_at_once_and_a_second_run_finds_nobody(
    people: dict[str, Registration],
) -> None:
    [run] = [r for r in runs.daily() if r.program == "us-2025"]

    assert (run.state, run.expunged, run.skipped, run.done) == (RunState.DONE, 3, 0, 3)
    expunged = set(Expungement.objects.values_list("person_id", flat=True))
    assert expunged == {people[n].person_id for n in ("dina", "rami", "tomas")}
    assert set(Expungement.objects.values_list("ground", flat=True)) == {
        "retention-departed",
        "retention-rejected",
        "retention-draft",
    }
    assert SubjectKey.objects.get(subject_id=people["amal"].person_id).wrapped_key is not None
    assert audit.verify().ok

    again = runs.plan_run("us-2025")
    assert (again.total, again.state) == (0, RunState.APPROVED)
    assert runs.execute_run(again.id).expunged == 0


def test_someone_active_again_after_the_plan_is_skipped(people: dict[str, Registration]) -> None:
    run = runs.plan_run("us-2025")
    Registration.objects.filter(pk=people["rami"].pk).update(updated_at=timezone.now())

    run = runs.execute_run(run.id)

    assert (run.expunged, run.skipped) == (2, 1)
    assert not Expungement.objects.filter(person_id=people["rami"].person_id).exists()


def test_a_large_run_waits_for_priya_then_runs(
    priya: User, django_capture_on_commit_callbacks: Any
) -> None:
    threshold = get_program("us-2025").retention.bulk_approval_above
    for _ in range(threshold + 1):
        draft(120)

    run = runs.plan_run("us-2025")
    assert run.state == RunState.AWAITING_APPROVAL
    with pytest.raises(runs.RunNotRunnable):
        runs.execute_run(run.id)
    assert not Expungement.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        runs.approve_run(priya, run.id)

    run.refresh_from_db()
    assert (run.state, run.expunged, run.approved_by) == (RunState.DONE, threshold + 1, priya)
    with pytest.raises(runs.RunNotApprovable):
        runs.approve_run(priya, run.id)
    approvals = AuditEntry.objects.filter(object_type="retention_run", actor_id=priya.pk)
    assert approvals.count() == 1


def test_a_new_plan_supersedes_one_still_waiting() -> None:
    threshold = get_program("us-2025").retention.bulk_approval_above
    for _ in range(threshold + 1):
        draft(120)
    first = runs.plan_run("us-2025")
    second = runs.plan_run("us-2025")
    first.refresh_from_db()
    assert (first.state, second.state) == (RunState.SUPERSEDED, RunState.AWAITING_APPROVAL)


def test_rules_follow_the_program_periods(people: dict[str, Registration]) -> None:
    program = get_program("us-2025")
    due_in_a_year = {d.person_id for d in due_persons(program, add_years(TODAY, 1))}
    assert people["recent"].person_id not in due_in_a_year
    due_later = {d.person_id for d in due_persons(program, add_years(TODAY, 8))}
    assert people["recent"].person_id in due_later
    assert people["olga"].person_id not in due_later


def test_years_are_added_on_29_february() -> None:
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 3, 1)
    assert add_years(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)
