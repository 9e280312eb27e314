"""The scheduled jobs as JSON, for monitoring: the schedule with each job's last run,
one job's runs, and starting a run (administrators)."""

import datetime as dt
import uuid
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from apps.accounts.permissions import Permission
from apps.accounts.policies import authorize
from apps.jobs import queries, schedule, services
from apps.jobs.models import JobRun

router = Router(tags=["jobs"])


class RunOut(Schema):
    id: uuid.UUID
    job: str
    slot: dt.datetime
    trigger: str
    state: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    duration_seconds: float | None
    result: Any
    error: str


class JobOut(Schema):
    name: str
    schedule: str
    description: str
    next_run_at: dt.datetime | None
    last_run: RunOut | None
    failures_last_24h: int


def _run(run: JobRun) -> RunOut:
    return RunOut(
        id=run.id,
        job=run.job,
        slot=run.slot,
        trigger=run.trigger,
        state=run.state,
        started_at=run.started_at,
        finished_at=run.finished_at,
        duration_seconds=run.duration.total_seconds() if run.duration else None,
        result=run.result,
        error=run.error.strip().splitlines()[-1] if run.error.strip() else "",
    )


def _job(name: str) -> schedule.Job:
    try:
        return schedule.get(name)
    except KeyError as error:
        raise Http404(_("No such job.")) from error


@router.get("/jobs", response=list[JobOut])
def list_jobs(request: HttpRequest) -> list[JobOut]:
    """Supervisors and administrators (job:run:read): every scheduled job."""
    authorize(request.user, Permission.JOB_RUNS_READ)
    return [
        JobOut(
            name=row.job.name,
            schedule=row.job.cron,
            description=str(row.job.description),
            next_run_at=row.next_at,
            last_run=_run(row.last) if row.last else None,
            failures_last_24h=row.failures_today,
        )
        for row in queries.overview(timezone.now())
    ]


@router.get("/jobs/{name}/runs", response=list[RunOut])
def list_runs(request: HttpRequest, name: str) -> list[RunOut]:
    """Supervisors and administrators (job:run:read): a job's latest runs."""
    authorize(request.user, Permission.JOB_RUNS_READ)
    return [_run(run) for run in queries.recent_runs(_job(name).name, limit=100)]


@router.post("/jobs/{name}/runs", response={202: RunOut})
def start_run(request: HttpRequest, name: str) -> Status:
    """Administrators (job:run:start): run a job now, by a worker."""
    user = authorize(request.user, Permission.JOB_RUN_START)
    return Status(202, _run(services.start_now(_job(name).name, user.email)))
