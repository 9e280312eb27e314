"""Scheduled job runs: recording a run for its time slot, running it under the job's
lock, catching up a slot the scheduler missed, and pruning the history."""

import datetime as dt
import logging
import traceback
import uuid
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from apps.jobs import leases, schedule
from apps.jobs.models import FINISHED_STATES, JobRun, RunState, Trigger, WorkerHeartbeat
from registry.errors import Conflict
from registry.tasks import enqueue_in_transaction

logger = logging.getLogger("registry.jobs")


def enqueue_run(
    name: str, slot: dt.datetime, *, trigger: str = Trigger.SCHEDULE, requested_by: str = ""
) -> JobRun | None:
    """Record a run of job `name` for `slot` and enqueue its task, in one transaction.

    Returns None when the slot already has a run: another scheduler (or a catch-up)
    got there first, and the unique (job, slot) constraint is what decides. Raises
    KeyError for an unknown job."""
    from apps.jobs.tasks import run_job

    job = schedule.get(name)
    try:
        with transaction.atomic():
            run = JobRun.objects.create(
                job=job.name, slot=slot, trigger=trigger, requested_by=requested_by
            )
            enqueue_in_transaction(run_job.using(priority=job.priority), str(run.id))
    except IntegrityError:
        return None
    return run


def start_now(name: str, requested_by: str) -> JobRun:
    """Enqueue a run of job `name` now, started by hand (console or API), for a worker.
    Raises KeyError for an unknown job, Conflict when a run was started this very
    instant (the same slot)."""
    run = enqueue_run(name, timezone.now(), trigger=Trigger.MANUAL, requested_by=requested_by)
    if run is None:
        raise Conflict(_("A run of this job was started this very moment; wait for it."))
    return run


def slot_for(moment: dt.datetime) -> dt.datetime:
    """The whole minute nearest to `moment`: the cron time a tick fired for, even when
    two schedulers' clocks or wake-ups differ by a few seconds."""
    return (moment + dt.timedelta(seconds=30)).replace(second=0, microsecond=0)


def catch_up(now: dt.datetime | None = None) -> list[JobRun]:
    """Enqueue, for each job, the latest slot it missed within SCHEDULER_CATCH_UP_HOURS
    (the scheduler was stopped, or the database was down at the time). One run per
    job, not one per missed slot: every job does all that is due when it runs."""
    now = now or timezone.now()
    horizon = now - dt.timedelta(hours=settings.SCHEDULER_CATCH_UP_HOURS)
    started = []
    for job in schedule.jobs().values():
        due = schedule.previous_time(job, now)
        if due is None or due < horizon:
            continue
        if JobRun.objects.filter(job=job.name, slot__gte=due).exists():
            continue
        run = enqueue_run(job.name, due, trigger=Trigger.CATCH_UP)
        if run is not None:
            started.append(run)
    return started


def execute(run_id: uuid.UUID | str, worker_id: str) -> JobRun:
    """Run a recorded job run in this process and record its outcome.

    Safe to run twice: a finished run is left as it is. A queued run with a later run
    of the same job queued behind it is skipped (the later one does what is due).
    The job's lock is the rule that a job has one RUNNING run at a time: when another
    run of the same job is still going on a living worker, this one is recorded as
    skipped; when that other run's worker died, it is recorded as abandoned and this
    one goes ahead. A run taken up again after its own worker died simply starts again
    (every job is idempotent)."""
    run = _start(uuid.UUID(str(run_id)), worker_id)
    if run.state != RunState.RUNNING:
        return run
    job = schedule.get(run.job)
    try:
        result = job.call()
    except Exception as error:
        logger.exception("Job %s (run %s) failed", run.job, run.id)
        return _finish(run, RunState.FAILED, error="".join(traceback.format_exception(error)))
    return _finish(run, RunState.DONE, result=result)


def run_now(name: str, requested_by: str) -> JobRun:
    """Run job `name` at once in this process (`manage.py jobs run`), recorded as a
    run started by hand, with a heartbeat so the job's lock knows it is alive."""
    run = JobRun.objects.create(
        job=schedule.get(name).name,
        slot=timezone.now(),
        trigger=Trigger.MANUAL,
        requested_by=requested_by,
    )
    worker_id = f"cli-{uuid.uuid4().hex[:12]}"
    heartbeat = leases.Heartbeat(worker_id, reclaim=False)
    heartbeat.start()
    try:
        return execute(run.id, worker_id)
    finally:
        heartbeat.stop()
        leases.forget(worker_id)


def _start(run_id: uuid.UUID, worker_id: str) -> JobRun:
    now = timezone.now()
    try:
        with transaction.atomic():
            run = JobRun.objects.select_for_update().get(pk=run_id)
            if run.state in FINISHED_STATES:
                return run
            if run.state == RunState.RUNNING and run.worker_id != worker_id and _alive(run, now):
                return run  # still going where it is: leave it be
            later = (
                JobRun.objects.filter(job=run.job, state=RunState.QUEUED, slot__gt=run.slot)
                .order_by("-slot")
                .first()
            )
            if later is not None and run.state == RunState.QUEUED:
                # The workers fell behind (none ran for a while): the latest run does
                # all that is due, so the older ones need not each run in turn.
                return _skip(run, None, now, f"Superseded by the run for {later.slot:%H:%M}.")
            other = (
                JobRun.objects.select_for_update()
                .filter(job=run.job, state=RunState.RUNNING)
                .exclude(pk=run.pk)
                .first()
            )
            if other is not None:
                if _alive(other, now):
                    return _skip(run, other, now)
                other.state = RunState.ABANDONED
                other.finished_at = now
                other.error = "Its worker stopped before the run finished."
                other.save(update_fields=["state", "finished_at", "error"])
            run.state = RunState.RUNNING
            run.started_at = now
            run.worker_id = worker_id
            run.attempts += 1
            run.save(update_fields=["state", "started_at", "worker_id", "attempts"])
            return run
    except IntegrityError:
        # Another run of this job became RUNNING between our read and our write.
        run = JobRun.objects.get(pk=run_id)
        return _skip(run, None, now)


def _alive(run: JobRun, now: dt.datetime) -> bool:
    """Its worker beat within a lease; or the worker never beat at all (the immediate
    backend of the tests, or a worker in its first moments) and the run is younger
    than a lease."""
    if leases.is_alive(run.worker_id, now):
        return True
    never_beat = not WorkerHeartbeat.objects.filter(worker_id=run.worker_id).exists()
    return never_beat and (run.started_at or now) > now - leases.lease()


def _skip(run: JobRun, other: JobRun | None, now: dt.datetime, why: str = "") -> JobRun:
    if other is not None:
        why = f"Run {other.id} of this job was still going."
    JobRun.objects.filter(pk=run.pk).exclude(state__in=FINISHED_STATES).update(
        state=RunState.SKIPPED, finished_at=now, error=why
    )
    run.refresh_from_db()
    return run


def _finish(run: JobRun, state: str, *, result: Any = None, error: str = "") -> JobRun:
    JobRun.objects.filter(pk=run.pk, state=RunState.RUNNING).update(
        state=state, finished_at=timezone.now(), result=result, error=error
    )
    run.refresh_from_db()
    return run


def prune_history(now: dt.datetime | None = None) -> dict[str, int]:
    """Delete finished task results older than TASK_RESULT_KEEP_DAYS, job runs older
    than JOB_RUN_KEEP_DAYS and heartbeats of workers silent for a day."""
    now = now or timezone.now()
    finished = (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)
    tasks, _ = DBTaskResult.objects.filter(
        status__in=finished,
        finished_at__lt=now - dt.timedelta(days=settings.TASK_RESULT_KEEP_DAYS),
    ).delete()
    runs, _ = JobRun.objects.filter(
        state__in=FINISHED_STATES,
        slot__lt=now - dt.timedelta(days=settings.JOB_RUN_KEEP_DAYS),
    ).delete()
    workers, _ = WorkerHeartbeat.objects.filter(seen_at__lt=now - dt.timedelta(days=1)).delete()
    return {"task_results": tasks, "job_runs": runs, "heartbeats": workers}
