"""Scheduled runs: one run per slot however many schedulers fire, one running run per
job, a record of each run (state, duration, result) and a catch-up after downtime.

Sam the supervisor reads these records on the console; the stories below are what he
sees."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from apps.jobs import leases, services
from apps.jobs.models import JobRun, RunState, Trigger, WorkerHeartbeat

pytestmark = pytest.mark.django_db

UTC = dt.UTC
Capture = Callable[..., Any]


def test_two_schedulers_firing_the_same_slot_make_one_run() -> None:
    slot = dt.datetime(2026, 12, 6, 3, 30, tzinfo=UTC)
    first = services.enqueue_run("holds", slot)
    second = services.enqueue_run("holds", slot)
    assert first is not None
    assert second is None
    assert JobRun.objects.filter(job="holds").count() == 1


def test_a_run_is_recorded_with_its_duration_and_result(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = services.enqueue_run("holds", timezone.now())
    assert run is not None
    run.refresh_from_db()
    assert run.state == RunState.DONE
    assert run.result == 0  # no hold ran out
    assert run.attempts == 1
    assert run.duration is not None
    assert run.duration >= dt.timedelta(0)


def test_running_a_finished_run_again_changes_nothing(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = services.enqueue_run("escalations", timezone.now())
    assert run is not None
    again = services.execute(run.id, "another-worker")
    assert again.state == RunState.DONE
    assert again.attempts == 1
    assert again.worker_id != "another-worker"


def test_a_failing_job_is_recorded_as_failed_with_its_error(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # A yearly privacy budget smaller than one release: the statistics job is refused.
    with (
        override_settings(STATISTICS_YEARLY_EPSILON="0.5"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run = services.enqueue_run("statistics", timezone.now())
    assert run is not None
    run.refresh_from_db()
    assert run.state == RunState.FAILED
    assert "BudgetExceeded" in run.error
    assert run.finished_at is not None


def _running(job: str, worker_id: str, started: dt.datetime) -> JobRun:
    return JobRun.objects.create(
        job=job,
        slot=started,
        state=RunState.RUNNING,
        started_at=started,
        worker_id=worker_id,
        attempts=1,
    )


def test_a_run_waits_its_turn_while_the_previous_one_is_still_going() -> None:
    now = timezone.now()
    leases.beat("busy-worker")
    long_run = _running("retention", "busy-worker", now - dt.timedelta(minutes=20))
    run = JobRun.objects.create(job="retention", slot=now)

    result = services.execute(run.id, "idle-worker")

    assert result.state == RunState.SKIPPED
    assert str(long_run.id) in result.error
    long_run.refresh_from_db()
    assert long_run.state == RunState.RUNNING


def test_a_run_whose_worker_died_is_abandoned_and_the_next_one_goes_ahead() -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="dead-worker",
        hostname="h",
        pid=1,
        started_at=now - dt.timedelta(hours=1),
        seen_at=now - dt.timedelta(minutes=10),
    )
    stale = _running("holds", "dead-worker", now - dt.timedelta(minutes=10))
    run = JobRun.objects.create(job="holds", slot=now)

    result = services.execute(run.id, "fresh-worker")

    assert result.state == RunState.DONE
    stale.refresh_from_db()
    assert stale.state == RunState.ABANDONED
    assert "worker stopped" in stale.error


def test_a_run_taken_back_from_a_dead_worker_starts_again() -> None:
    now = timezone.now()
    run = _running("holds", "dead-worker", now - dt.timedelta(minutes=10))
    result = services.execute(run.id, "second-worker")
    assert result.state == RunState.DONE
    assert result.attempts == 2
    assert result.worker_id == "second-worker"


def test_the_database_allows_one_running_run_per_job() -> None:
    from django.db import IntegrityError, transaction

    now = timezone.now()
    _running("holds", "a", now)
    with pytest.raises(IntegrityError), transaction.atomic():
        _running("holds", "b", now + dt.timedelta(minutes=1))


def test_the_scheduler_catches_up_what_it_missed_once() -> None:
    now = dt.datetime(2026, 12, 3, 6, 10, tzinfo=UTC)
    JobRun.objects.create(job="retention", slot=dt.datetime(2026, 12, 3, 3, 30, tzinfo=UTC))

    caught = {run.job: run for run in services.catch_up(now)}

    assert "retention" not in caught  # it ran at 03:30
    assert caught["audit-tree-head"].slot == dt.datetime(2026, 12, 3, 6, 10, tzinfo=UTC)
    assert caught["holds"].slot == dt.datetime(2026, 12, 3, 5, 25, tzinfo=UTC)
    assert caught["statistics"].slot == dt.datetime(2026, 12, 3, 5, 0, tzinfo=UTC)
    assert {run.trigger for run in caught.values()} == {Trigger.CATCH_UP}
    assert services.catch_up(now) == []


def test_a_slot_missed_long_ago_is_left_to_the_next_time() -> None:
    now = dt.datetime(2026, 12, 20, 12, 0, tzinfo=UTC)
    caught = {run.job for run in services.catch_up(now)}
    assert "statistics" not in caught  # 2026-12-03 is beyond SCHEDULER_CATCH_UP_HOURS
    assert "retention" in caught


def test_an_operator_runs_a_job_by_hand(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("jobs", "run", "holds", "--as", "ada@example.org")
    run = JobRun.objects.get(job="holds")
    assert run.trigger == Trigger.MANUAL
    assert run.requested_by == "ada@example.org"
    assert run.state == RunState.DONE
    assert not WorkerHeartbeat.objects.exists()  # the command's heartbeat is gone
    call_command("jobs", "list")
    call_command("jobs", "runs", "--job", "holds")
    out = capsys.readouterr().out
    assert "holds" in out
    assert "done" in out


def test_an_unknown_job_is_refused_by_the_command() -> None:
    with pytest.raises(CommandError, match="no job 'make-coffee'"):
        call_command("jobs", "run", "make-coffee")


def test_history_is_pruned_after_its_keeping_period() -> None:
    now = timezone.now()
    old = JobRun.objects.create(job="holds", slot=now - dt.timedelta(days=40), state=RunState.DONE)
    recent = JobRun.objects.create(job="holds", slot=now - dt.timedelta(days=2), state="done")
    assert services.prune_history(now)["job_runs"] == 1
    assert not JobRun.objects.filter(pk=old.pk).exists()
    assert JobRun.objects.filter(pk=recent.pk).exists()


def test_after_the_workers_fell_behind_only_the_latest_queued_run_works() -> None:
    now = timezone.now().replace(second=0, microsecond=0)
    older = JobRun.objects.create(job="audit-tree-head", slot=now - dt.timedelta(minutes=2))
    latest = JobRun.objects.create(job="audit-tree-head", slot=now)

    assert services.execute(older.id, "w").state == RunState.SKIPPED
    assert services.execute(latest.id, "w").state == RunState.DONE
    older.refresh_from_db()
    assert older.error == f"Superseded by the run for {now:%H:%M}."
