"""The rights app's background work, run by the task worker."""

from django.db import transaction
from django_tasks import task


@task()
def run_rights_sweep() -> dict[str, int]:
    """Escalate overdue corrections and complaints to the privacy officer and record
    the end of holds whose time ran out. Idempotent: run it daily (or hourly) through
    `manage.py rights sweep`, or a scheduler that enqueues this task."""
    from apps.rights.redress import escalate_overdue
    from apps.rights.services import end_expired_holds

    return {"escalated": escalate_overdue(), "holds_ended": end_expired_holds()}


@task()
def notify_escalation(kind: str, item_id: str, due_on: str) -> int:
    """Tasks enqueued before the outbox (issue 20) still run: the messages go to the
    outbox. Remove once no deployment has such a task left in its queue."""
    from apps.outbox.services import already_queued
    from apps.rights.notifications import ESCALATION, notify_privacy_officers

    if already_queued(ESCALATION, item_id=item_id):
        return 0
    with transaction.atomic():
        return notify_privacy_officers(kind, item_id, due_on)
