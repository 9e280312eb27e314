"""The retention job as tasks, for a scheduler that enqueues tasks and for the run that
a privacy officer approves (started after the approval commits)."""

import uuid

from django_tasks import task


@task()
def run_retention_job() -> dict[str, int]:
    """The daily job: per program, how many people it expunged (a run waiting for
    approval expunges nobody yet)."""
    from apps.retention.runs import daily

    return {run.program: run.expunged for run in daily()}


@task()
def execute_retention_run(run_id: str) -> int:
    """Execute an approved run; returns how many people it expunged."""
    from apps.retention.runs import execute_run

    return execute_run(uuid.UUID(run_id)).expunged
