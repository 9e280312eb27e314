"""Sam the supervisor checks that the registry's own jobs ran: the tree head was signed
a minute ago, which workers are alive, how many e-mails wait. Ada the administrator
starts a job by hand."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from apps.accounts.permissions import Role
from apps.jobs import leases, services
from apps.jobs.models import JobRun, RunState, WorkerHeartbeat
from conftest import client_for, make_user

pytestmark = pytest.mark.django_db
Capture = Callable[..., Any]


def test_sam_sees_how_each_job_last_went(django_capture_on_commit_callbacks: Capture) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.enqueue_run("audit-tree-head", timezone.now())
    JobRun.objects.create(
        job="retention",
        slot=timezone.now() - dt.timedelta(hours=3),
        state=RunState.FAILED,
        error="Traceback ...\nOperationalError: disk full",
    )
    leases.beat("worker-on-host-a")
    WorkerHeartbeat.objects.create(
        worker_id="worker-gone",
        hostname="host-b",
        pid=7,
        started_at=timezone.now() - dt.timedelta(hours=2),
        seen_at=timezone.now() - dt.timedelta(hours=1),
    )

    page = client_for(make_user(Role.SUPERVISOR)).get("/console/jobs/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-job="audit-tree-head" data-state="done"' in html
    assert 'data-job="retention" data-state="failed"' in html
    assert 'data-job="statistics" data-state="never"' in html
    assert "OperationalError: disk full" in html
    assert html.count('data-alive="1"') == 1
    assert html.count('data-alive="0"') == 1
    assert "messages waiting" in html
    assert "Scheduled jobs" in html  # in the console's navigation too
    assert (
        "Run now"
        not in client_for(make_user(Role.SUPERVISOR, "sam2"))
        .get("/console/jobs/holds/")
        .content.decode()
    )


def test_ada_runs_a_job_now(django_capture_on_commit_callbacks: Capture) -> None:
    ada = client_for(make_user(Role.ADMIN))
    assert "Run now" in ada.get("/console/jobs/holds/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = ada.post("/console/jobs/holds/run/")
    assert answer.status_code == 302
    answer = ada.get(answer["Location"])  # a worker has run it meanwhile
    run = JobRun.objects.get(job="holds")
    assert run.requested_by == "ada@example.org"
    assert run.state == RunState.DONE
    assert f'data-run="{run.id}" data-state="done"' in answer.content.decode()


def test_the_api_lists_jobs_and_runs(django_capture_on_commit_callbacks: Capture) -> None:
    ada = client_for(make_user(Role.ADMIN))
    with django_capture_on_commit_callbacks(execute=True):
        started = ada.post("/api/v1/jobs/holds/runs", content_type="application/json")
    assert started.status_code == 202
    jobs = {job["name"]: job for job in ada.get("/api/v1/jobs").json()}
    assert jobs["holds"]["last_run"]["state"] == "done"
    assert jobs["audit-tree-head"]["schedule"] == "* * * * *"
    runs = ada.get("/api/v1/jobs/holds/runs").json()
    assert runs[0]["result"] == 0
    assert runs[0]["duration_seconds"] >= 0
