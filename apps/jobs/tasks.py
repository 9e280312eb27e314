"""The one task behind every scheduled job: run a recorded JobRun."""

from django_tasks import task
from django_tasks.base import TaskContext


@task(takes_context=True)
def run_job(context: TaskContext, run_id: str) -> str:
    """Run the job run `run_id` and return its final state. Safe to run twice."""
    from apps.jobs.services import execute

    worker_ids = context.task_result.worker_ids
    return str(execute(run_id, worker_ids[-1] if worker_ids else "").state)
