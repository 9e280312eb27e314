"""``manage.py db_worker``: django-tasks-db's worker, with the changes of
apps/jobs/worker.py (it outlives database outages and holds a lease on what it runs).

This app comes before django_tasks_db in INSTALLED_APPS, so this command replaces the
package's own: nobody can start the worker that dies. Options are the package's."""

import os
from typing import Any

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from apps.jobs.worker import Worker


class Command(db_worker.Command):
    help = (
        "Run a database task worker that survives database outages and takes back the "
        "tasks of workers that died (docs/operations.md)"
    )

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: Any,
    ) -> None:
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the child process runs tasks
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
