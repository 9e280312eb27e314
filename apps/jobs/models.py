"""Workers that say they are alive, and the record of every scheduled job run.

No foreign key leaves this app: a worker needs only its own tables and
django-tasks-db's to run, which keeps the crash drills' databases small."""

import datetime as dt
import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """A running worker (or a job run in the foreground) and when it last said it was
    alive. A task whose worker has been silent for a lease is taken up again
    (apps/jobs/leases.py)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)
    task_id = models.UUIDField(null=True, blank=True)  # the task it is running now

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.hostname} ({self.pid})"


class RunState(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")
    SKIPPED = "skipped", _("skipped: the previous run was still going")
    ABANDONED = "abandoned", _("abandoned: its worker stopped")


FINISHED_STATES = (RunState.DONE, RunState.FAILED, RunState.SKIPPED, RunState.ABANDONED)


class Trigger(models.TextChoices):
    SCHEDULE = "schedule", _("schedule")
    CATCH_UP = "catch-up", _("catch-up after the scheduler was down")
    MANUAL = "manual", _("started by hand")


class JobRun(models.Model):
    """One run of a scheduled job. The scheduler inserts it for the job's time slot and
    enqueues its task in the same transaction; a slot has at most one run however many
    schedulers are running (the unique constraint is the lock), and a job has at most
    one run in the RUNNING state at a time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job = models.CharField(max_length=64)
    slot = models.DateTimeField()  # the scheduled time this run is for
    trigger = models.CharField(max_length=16, choices=Trigger.choices, default=Trigger.SCHEDULE)
    requested_by = models.CharField(max_length=254, blank=True)  # who started it by hand
    state = models.CharField(max_length=16, choices=RunState.choices, default=RunState.QUEUED)
    enqueued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    worker_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-slot", "-enqueued_at"]
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="jobs_one_run_per_slot"),
            models.UniqueConstraint(
                fields=["job"], condition=Q(state="running"), name="jobs_one_running_run"
            ),
        ]
        indexes = [
            models.Index(fields=["job", "-slot"], name="jobs_run_job_slot"),
            models.Index(fields=["state", "-slot"], name="jobs_run_state_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.job} at {self.slot:%Y-%m-%d %H:%M} ({self.state})"

    @property
    def duration(self) -> dt.timedelta | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return self.finished_at - self.started_at
