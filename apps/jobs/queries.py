"""What the console page, the API and `manage.py jobs` show about background work."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from apps.jobs import leases, schedule
from apps.jobs.models import JobRun, RunState, WorkerHeartbeat


@dataclass(frozen=True)
class JobRow:
    job: schedule.Job
    next_at: dt.datetime | None
    last: JobRun | None
    failures_today: int  # failed or abandoned runs in the last 24 hours


@dataclass(frozen=True)
class WorkerRow:
    worker: WorkerHeartbeat
    alive: bool


def overview(now: dt.datetime) -> list[JobRow]:
    """Every job of the schedule with its next time, its latest run and its recent
    failures, in schedule order."""
    jobs = schedule.jobs()
    latest: dict[str, JobRun] = {}
    for name in jobs:
        run = JobRun.objects.filter(job=name).order_by("-slot", "-enqueued_at").first()
        if run is not None:
            latest[name] = run
    failures = dict(
        JobRun.objects.filter(
            slot__gte=now - dt.timedelta(days=1),
            state__in=(RunState.FAILED, RunState.ABANDONED),
        )
        .values_list("job")
        .annotate(n=Count("id"))
        .values_list("job", "n")
    )
    return [
        JobRow(job, schedule.next_time(job, now), latest.get(name), failures.get(name, 0))
        for name, job in jobs.items()
    ]


def recent_runs(job: str = "", *, failed_only: bool = False, limit: int = 50) -> list[JobRun]:
    runs = JobRun.objects.all()
    if job:
        runs = runs.filter(job=job)
    if failed_only:
        runs = runs.filter(Q(state=RunState.FAILED) | Q(state=RunState.ABANDONED))
    return list(runs[:limit])


def workers(now: dt.datetime | None = None) -> list[WorkerRow]:
    """Workers seen within a day, the living first."""
    now = now or timezone.now()
    alive_since = now - leases.lease()
    rows = WorkerHeartbeat.objects.filter(seen_at__gte=now - dt.timedelta(days=1)).order_by(
        "-seen_at"
    )
    return [WorkerRow(row, row.seen_at >= alive_since) for row in rows]
