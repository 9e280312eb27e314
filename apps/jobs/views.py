"""Console pages of the scheduled jobs (supervisors and administrators): the schedule
with each job's last run, the workers, the outbox, and each job's runs; an
administrator may start a job by hand. Each view: authorize, query or call one
service, render."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.permissions import Permission
from apps.accounts.policies import authorize
from apps.console.decorators import console_page
from apps.jobs import queries, schedule, services
from apps.outbox.services import waiting_counts
from registry.errors import DomainError

RUNS_SHOWN = 100


@require_GET
@console_page
def jobs_page(request: HttpRequest) -> HttpResponse:
    """The schedule, how each job last went, the workers and the outbox."""
    authorize(request.user, Permission.JOB_RUNS_READ)
    now = timezone.now()
    context = {
        "rows": queries.overview(now),
        "workers": queries.workers(now),
        "outbox": waiting_counts(),
        "failures": queries.recent_runs(failed_only=True, limit=10),
        "zone": settings.TIME_ZONE,
    }
    return render(request, "jobs/jobs.html", context)


@require_GET
@console_page
def job_page(request: HttpRequest, name: str) -> HttpResponse:
    """One job: its description, schedule and latest runs."""
    authorize(request.user, Permission.JOB_RUNS_READ)
    job = _job(name)
    context = {
        "job": job,
        "next_at": schedule.next_time(job, timezone.now()),
        "runs": queries.recent_runs(job.name, limit=RUNS_SHOWN),
    }
    return render(request, "jobs/job.html", context)


@require_POST
@console_page
def start_run(request: HttpRequest, name: str) -> HttpResponse:
    """An administrator runs a job now (by a worker, like a scheduled run)."""
    user = authorize(request.user, Permission.JOB_RUN_START)
    job = _job(name)
    try:
        services.start_now(job.name, user.email)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The job is queued; a worker runs it within seconds."))
    return redirect("jobs:job", name=job.name)


def _job(name: str) -> schedule.Job:
    try:
        return schedule.get(name)
    except KeyError as error:
        raise Http404(_("No such job.")) from error
