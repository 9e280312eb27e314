"""Leases on running tasks: a worker beats a heartbeat while it lives, and a task
whose worker has been silent for a lease goes back to the queue.

django-tasks-db marks a task RUNNING when a worker takes it and never looks at it
again, so a worker killed mid-task left it RUNNING for ever. Here every worker beats
`WorkerHeartbeat` every quarter lease from a thread of its own, and each worker, from
that thread, puts back in the queue every RUNNING task whose worker has not beaten for
TASK_LEASE_SECONDS. A task tried TASK_MAX_ATTEMPTS times is failed instead, so a task
that kills its worker every time cannot take every worker down in turn. Tasks are
written to be safe to run twice (docs/architecture.md, "Background work")."""

import datetime as dt
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.db.utils import InterfaceError, OperationalError
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from apps.jobs.models import WorkerHeartbeat

logger = logging.getLogger("registry.worker")

# What a lost or restarting database raises through Django.
DATABASE_ERRORS = (OperationalError, InterfaceError)
DATABASE_ERROR_PATHS = {
    f"{error.__module__}.{error.__qualname__}" for error in (OperationalError, InterfaceError)
}


class LeaseExpired(Exception):
    """The task's worker stopped mid-task too many times; it is not tried again."""


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.TASK_LEASE_SECONDS)


def beat(worker_id: str, task_id: uuid.UUID | None = None) -> None:
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(
        seen_at=now, task_id=task_id
    )
    if not updated:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            hostname=socket.gethostname()[:255],
            pid=os.getpid(),
            started_at=now,
            seen_at=now,
            task_id=task_id,
        )


def forget(worker_id: str) -> None:
    """A worker that stops cleanly says so, and is no longer listed as alive."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def is_alive(worker_id: str, now: dt.datetime | None = None) -> bool:
    since = (now or timezone.now()) - lease()
    return WorkerHeartbeat.objects.filter(worker_id=worker_id, seen_at__gte=since).exists()


def reclaim_expired(now: dt.datetime | None = None) -> list[str]:
    """Put back in the queue every RUNNING task taken more than a lease ago whose
    worker has not beaten for a lease (a task of a worker that never beat counts too,
    e.g. one left from before this code); fail a task tried TASK_MAX_ATTEMPTS times.
    Returns the ids of the tasks it touched."""
    now = now or timezone.now()
    cutoff = now - lease()
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True)
    )
    touched = []
    candidates = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).values_list("id", "worker_ids")
    for task_id, worker_ids in candidates:
        if worker_ids and worker_ids[-1] in alive:
            continue
        if _take_back(task_id, worker_ids, now):
            logger.warning(
                "Task %s was running on worker %s, which stopped; it is queued again",
                task_id,
                worker_ids[-1] if worker_ids else "?",
            )
            touched.append(str(task_id))
    return touched


def requeue(task_id: uuid.UUID, worker_id: str) -> bool:
    """Put back in the queue a task this worker was running when the database went
    away (its result could not be saved). False when it is no longer ours."""
    task = DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.RUNNING).first()
    if task is None or not task.worker_ids or task.worker_ids[-1] != worker_id:
        return False
    return _take_back(task.pk, task.worker_ids, timezone.now())


def retry_later(task: DBTaskResult, now: dt.datetime | None = None) -> dt.datetime | None:
    """A task that failed because the database went away mid-task is queued again,
    after a pause that doubles with each attempt; None when its attempts are used up
    (it stays failed)."""
    attempts = len(task.worker_ids)
    if attempts >= settings.TASK_MAX_ATTEMPTS:
        return None
    when = (now or timezone.now()) + dt.timedelta(seconds=min(2**attempts, 300))
    DBTaskResult.objects.filter(pk=task.pk, status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY, run_after=when, finished_at=None
    )
    return when


@transaction.atomic
def _take_back(task_id: uuid.UUID, worker_ids: list[str], now: dt.datetime) -> bool:
    task = (
        DBTaskResult.objects.select_for_update(skip_locked=True)
        .filter(pk=task_id, status=TaskResultStatus.RUNNING)
        .first()
    )
    if task is None or task.worker_ids != worker_ids:
        return False  # finished, or taken up by someone else meanwhile
    if len(worker_ids) >= settings.TASK_MAX_ATTEMPTS:
        task.set_failed(
            LeaseExpired(
                f"its worker stopped while running it {len(worker_ids)} times "
                f"(workers {', '.join(worker_ids)}); not tried again"
            )
        )
        logger.error("Task %s (%s) failed: its workers kept stopping", task.pk, task.task_path)
        return True
    task.status = TaskResultStatus.READY
    task.save(update_fields=["status"])
    return True


class Heartbeat(threading.Thread):
    """Beats for `worker_id` every quarter lease and, when `reclaim` is set, takes back
    the tasks of dead workers. Runs on its own database connection; a database
    outage only pauses it (the main loop logs outages). After an outage it waits two
    beats before reclaiming, so that living workers have beaten again first."""

    def __init__(
        self,
        worker_id: str,
        current_task: Callable[[], uuid.UUID | None] = lambda: None,
        *,
        reclaim: bool = True,
    ) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.current_task = current_task
        self.reclaim = reclaim
        self.interval = max(settings.TASK_LEASE_SECONDS / 4, 0.2)
        self.stopping = threading.Event()
        self.connected_since: float | None = None
        self.reclaimed_at = 0.0

    def run(self) -> None:
        try:
            while True:
                self.tick()
                if self.stopping.wait(self.interval):
                    break
        finally:
            connections.close_all()

    def tick(self) -> None:
        try:
            close_old_connections()
            beat(self.worker_id, self.current_task())
            now = time.monotonic()
            if self.connected_since is None:
                self.connected_since = now
            # Every half lease is soon enough, and spares the task table a scan a beat.
            settled = now - self.connected_since >= 2 * self.interval
            if self.reclaim and settled and now - self.reclaimed_at >= 2 * self.interval:
                self.reclaimed_at = now
                reclaim_expired()
        except DATABASE_ERRORS:
            self.connected_since = None
            connections.close_all()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=self.interval + 5)
