"""Enqueueing a task so that it commits with the work that asked for it.

django-tasks-db stores a task as a row: enqueued inside the caller's transaction, the
task and the rows it is about commit together or not at all, so a crash between the two
can no longer strand anything (an activation e-mail, a scheduled run). Other backends
(the immediate one the tests use, or a broker) hold no transaction, so there the task
is enqueued once the transaction commits, and a periodic sweep catches what a crash
between commit and enqueue left behind."""

from typing import Any

from django.db import transaction
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend


def enqueue_in_transaction(task: Task[Any, Any], *args: Any) -> None:
    """Enqueue `task(*args)` as part of the current transaction (see the module)."""
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))
