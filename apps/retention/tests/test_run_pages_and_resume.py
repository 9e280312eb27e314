"""Priya reads a waiting run on the console and approves it there; Ali the auditor sees
the same list without the button. A run that stops on a broken item says so, and
executing it again resumes where it stood. The daily task runs the same job."""

from typing import Any

import pytest
from django.utils import timezone

from apps.accounts.models import User
from apps.registrations.models import CaseState, Registration
from apps.retention import runs
from apps.retention.models import Expungement, RetentionRun, RunState
from apps.retention.tasks import run_retention_job
from apps.retention.tests.conftest import age, file_for
from conftest import client_for

pytestmark = pytest.mark.django_db


def rejected_long_ago() -> Registration:
    case = file_for()
    Registration.objects.filter(pk=case.pk).update(state=CaseState.REJECTED)
    age(case, years=4)
    return case


def waiting_run(*cases: Registration) -> RetentionRun:
    return RetentionRun.objects.create(
        program="us-2025",
        as_of=timezone.localdate(),
        state=RunState.AWAITING_APPROVAL,
        items=[
            {"person": str(c.person_id), "ground": "retention-rejected", "cases": [c.case_number]}
            for c in cases
        ],
        total=len(cases),
        requested_by_role="system",
    )


def test_priya_approves_on_the_console_and_ali_only_reads(
    priya: User, ali: User, django_capture_on_commit_callbacks: Any
) -> None:
    rami = rejected_long_ago()
    run = waiting_run(rami)
    page = client_for(ali).get(f"/retention/runs/{run.id}/").content.decode()
    assert str(rami.person_id) in page
    assert rami.case_number in page
    assert "Approve this run" not in page

    priya_client = client_for(priya)
    assert "Approve this run" in priya_client.get(f"/retention/runs/{run.id}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = priya_client.post(f"/retention/runs/{run.id}/approve/")
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.state, run.expunged, run.done) == (RunState.DONE, 1, 1)
    done_page = priya_client.get(f"/retention/runs/{run.id}/").content.decode()
    assert 'value="1"' in done_page  # the progress bar is full
    again = priya_client.post(f"/retention/runs/{run.id}/approve/", follow=True)
    assert "not waiting for approval" in again.content.decode()


def test_a_running_run_page_reloads_itself(priya: User) -> None:
    run = waiting_run(rejected_long_ago())
    RetentionRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING)
    page = client_for(priya).get(f"/retention/runs/{run.id}/").content.decode()
    assert 'http-equiv="refresh"' in page


def test_priya_lists_who_is_due_from_the_console(priya: User) -> None:
    rami = rejected_long_ago()
    response = client_for(priya).post("/retention/runs/", {"program": "us-2025"})
    assert response.status_code == 302
    run = RetentionRun.objects.get()
    assert run.state == RunState.DRY_RUN
    assert [item["person"] for item in run.items] == [str(rami.person_id)]
    listing = client_for(priya).get("/retention/runs/").content.decode()
    assert str(run.id) in listing
    bad = client_for(priya).post("/retention/runs/", {"program": "no-such-program"})
    assert bad.status_code == 400


def test_a_run_that_stops_says_so_and_resumes() -> None:
    first, second = rejected_long_ago(), rejected_long_ago()
    run = waiting_run(first, second)
    broken = [run.items[0], {"person": "not-a-uuid", "ground": "retention-rejected"}]
    RetentionRun.objects.filter(pk=run.pk).update(state=RunState.APPROVED, items=broken)

    with pytest.raises(ValueError, match="badly formed"):
        runs.execute_run(run.id)
    run.refresh_from_db()
    assert (run.state, run.error) == (RunState.FAILED, "ValueError")
    assert Expungement.objects.filter(person_id=first.person_id, run=run).exists()

    RetentionRun.objects.filter(pk=run.pk).update(items=[broken[0], run.items[0] | {
        "person": str(second.person_id)}])  # fmt: skip
    run = runs.execute_run(run.id)
    assert (run.state, run.expunged, run.skipped) == (RunState.DONE, 2, 0)


def test_the_daily_task() -> None:
    rami = rejected_long_ago()
    result = run_retention_job.enqueue()
    assert result.return_value["us-2025"] == 1
    assert Expungement.objects.filter(person_id=rami.person_id).exists()
