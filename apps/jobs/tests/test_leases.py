"""Leases: a task whose worker went silent is queued again after a lease; a task whose
workers keep dying is failed instead; a task cut off by a database outage is queued
again by its own worker. (apps/jobs/tests/test_crash_drills.py does it with real
processes; these check the rules one by one.)"""

import datetime as dt
import logging

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from apps.jobs import leases
from apps.jobs.models import WorkerHeartbeat
from apps.jobs.worker import Outage

pytestmark = pytest.mark.django_db


def running_task(worker_ids: list[str], started_minutes_ago: float) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": ["x"], "kwargs": {}},
        task_path="apps.jobs.tests.drill_tasks.echo",
        backend_name="default",
        run_after=get_date_max(),
        started_at=timezone.now() - dt.timedelta(minutes=started_minutes_ago),
        worker_ids=worker_ids,
    )


def status_of(task: DBTaskResult) -> str:
    task.refresh_from_db()
    return str(task.status)


def test_the_task_of_a_silent_worker_is_queued_again() -> None:
    orphan = running_task(["killed"], started_minutes_ago=5)
    assert leases.reclaim_expired() == [str(orphan.pk)]
    assert status_of(orphan) == TaskResultStatus.READY
    assert DBTaskResult.objects.ready().filter(pk=orphan.pk).exists()


def test_the_task_of_a_living_worker_is_left_alone() -> None:
    leases.beat("alive")
    busy = running_task(["alive"], started_minutes_ago=30)
    assert leases.reclaim_expired() == []
    assert status_of(busy) == TaskResultStatus.RUNNING


def test_a_task_just_taken_is_left_alone_even_before_its_worker_beats() -> None:
    fresh = running_task(["starting"], started_minutes_ago=0)
    assert leases.reclaim_expired() == []
    assert status_of(fresh) == TaskResultStatus.RUNNING


def test_a_task_whose_workers_keep_dying_fails_instead_of_killing_the_next() -> None:
    with override_settings(TASK_MAX_ATTEMPTS=3):
        poison = running_task(["a", "b", "c"], started_minutes_ago=5)
        leases.reclaim_expired()
    poison.refresh_from_db()
    assert poison.status == TaskResultStatus.FAILED
    assert poison.exception_class_path == "apps.jobs.leases.LeaseExpired"
    assert "stopped while running it 3 times" in poison.traceback


def test_a_heartbeat_says_what_the_worker_runs_and_a_clean_stop_forgets_it() -> None:
    task = running_task(["w"], started_minutes_ago=0)
    leases.beat("w", task.pk)
    assert WorkerHeartbeat.objects.get(worker_id="w").task_id == task.pk
    assert leases.is_alive("w")
    leases.forget("w")
    assert not leases.is_alive("w")


def test_only_its_own_worker_requeues_a_task_cut_off_by_an_outage() -> None:
    task = running_task(["mine"], started_minutes_ago=1)
    assert not leases.requeue(task.pk, "someone-else")
    assert leases.requeue(task.pk, "mine")
    assert status_of(task) == TaskResultStatus.READY


def test_a_task_that_failed_on_a_database_error_is_tried_again_later() -> None:
    task = running_task(["w"], started_minutes_ago=1)
    task.status = TaskResultStatus.FAILED
    task.exception_class_path = "django.db.utils.OperationalError"
    task.save()
    when = leases.retry_later(task)
    assert when is not None
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY
    assert task.run_after == when
    assert not DBTaskResult.objects.ready().filter(pk=task.pk).exists()  # not yet


def test_an_outage_is_logged_once_each_way_and_paced(caplog: pytest.LogCaptureFixture) -> None:
    outage = Outage("worker w")
    with caplog.at_level(logging.WARNING, logger="registry.worker"):
        for _ in range(5):
            outage.begin(ConnectionError("server closed the connection"))
        pauses = [outage.pause() for _ in range(10)]
        outage.end()
        outage.end()
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2, messages
    assert "the database is unavailable (ConnectionError" in messages[0]
    assert "the database is back after" in messages[1]
    assert pauses[0] <= 0.5
    assert pauses[1] > pauses[0]
    assert max(pauses) <= 30
