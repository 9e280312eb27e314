"""django-tasks-db's worker, made to outlive its database and its own crashes.

The package's worker exits on the first database error (PostgreSQL restarting) and
leaves the task it was running RUNNING for ever. This subclass changes only that:

- a database error in the polling loop is an outage: it is logged once, the worker
  waits with a backoff that doubles up to WORKER_MAX_BACKOFF_SECONDS (with jitter, so
  many workers do not reconnect in step), logs once when the database is back, and
  polls again. It never exits for an outage;
- a heartbeat thread holds a lease on what the worker runs (apps/jobs/leases.py), and
  takes back the tasks of workers that died;
- a task whose result could not be saved because the database went away is queued
  again once the database is back; a task that failed *because* the database went
  away is queued again after a pause. Other failures stay failures, as before.
"""

import contextlib
import logging
import random
import threading
import time
import uuid
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from apps.jobs import leases
from apps.jobs.leases import DATABASE_ERRORS

logger = logging.getLogger("registry.worker")


class Outage:
    """Says once that the database is gone and once that it is back, whatever the
    number of attempts in between, and paces the attempts."""

    def __init__(self, who: str) -> None:
        self.who = who
        self.since: float | None = None
        self.attempts = 0
        # The scheduler fires jobs from a pool of threads: one line per outage still.
        self.lock = threading.Lock()

    def begin(self, error: BaseException) -> None:
        with self.lock:
            self._begin(error)

    def _begin(self, error: BaseException) -> None:
        if self.since is None:
            self.since = time.monotonic()
            self.attempts = 0
            summary = str(error).strip().splitlines()[0] if str(error).strip() else ""
            logger.error(
                "%s: the database is unavailable (%s: %s); retrying quietly until it is back",
                self.who,
                type(error).__name__,
                summary[:200],
            )

    def pause(self) -> float:
        """Seconds to wait before the next attempt: 0.5, 1, 2, ... up to the cap."""
        self.attempts += 1
        ceiling = float(settings.WORKER_MAX_BACKOFF_SECONDS)
        delay = min(0.5 * 2 ** (self.attempts - 1), ceiling)
        return delay * random.uniform(0.8, 1.0)  # noqa: S311 - jitter, not a secret

    def end(self) -> None:
        with self.lock:
            self._end()

    def _end(self) -> None:
        if self.since is not None:
            logger.warning(
                "%s: the database is back after %.1f s (%d attempts); resuming",
                self.who,
                time.monotonic() - self.since,
                self.attempts,
            )
            self.since = None


def wait_for_database(outage: Outage, error: BaseException, keep_going: Any) -> bool:
    """Block until a connection works (True) or `keep_going()` turns false (False)."""
    outage.begin(error)
    while keep_going():
        connections.close_all()
        time.sleep(outage.pause())
        try:
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DATABASE_ERRORS:
            continue
        outage.end()
        return True
    return False


class Worker(db_worker.Worker):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.current_task_id: uuid.UUID | None = None
        self.interrupted: list[uuid.UUID] = []
        self.heartbeat = leases.Heartbeat(self.worker_id, lambda: self.current_task_id)
        self.outage = Outage(f"worker {self.worker_id}")

    def run(self) -> None:
        self.heartbeat.start()
        try:
            while self.running:
                try:
                    super().run()
                    return  # --batch or --max-tasks said stop
                except DATABASE_ERRORS as error:
                    if not wait_for_database(self.outage, error, lambda: self.running):
                        return
                    self.give_back_interrupted()
        finally:
            self.heartbeat.stop()
            with contextlib.suppress(*DATABASE_ERRORS):  # its heartbeat simply runs out
                leases.forget(self.worker_id)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.current_task_id = db_task_result.id
        try:
            super().run_task(db_task_result)
        except DATABASE_ERRORS:
            # Neither success nor failure could be saved: the database went away.
            self.interrupted.append(db_task_result.id)
            raise
        finally:
            self.current_task_id = None
        if (
            db_task_result.status == TaskResultStatus.FAILED
            and db_task_result.exception_class_path in leases.DATABASE_ERROR_PATHS
        ):
            when = leases.retry_later(db_task_result)
            if when is not None:
                logger.warning(
                    "Task %s (%s) failed on a database error; tried again at %s",
                    db_task_result.id,
                    db_task_result.task_path,
                    when.isoformat(timespec="seconds"),
                )

    def give_back_interrupted(self) -> None:
        while self.interrupted:
            task_id = self.interrupted.pop()
            if leases.requeue(task_id, self.worker_id):
                logger.warning("Task %s was cut off by the outage; it is queued again", task_id)
