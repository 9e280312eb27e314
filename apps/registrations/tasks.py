"""The re-registration job as a task, and the notification task of the code before the
outbox."""

from django.db import transaction
from django_tasks import task

from apps.registrations.models import Registration


@task()
def notify_reregistration(registration_id: str) -> None:
    """Tasks enqueued before the outbox (issue 20) still run: the message goes to the
    outbox. Remove once no deployment has such a task left in its queue."""
    from apps.outbox.services import already_queued
    from apps.registrations.notifications import REREGISTRATION, notify_family

    if already_queued(REREGISTRATION, registration_id=registration_id):
        return
    with transaction.atomic():
        case = (
            Registration.objects.select_related("filed_by", "person__account")
            .filter(pk=registration_id)
            .first()
        )
        if case is not None:
            notify_family(case)


@task()
def run_reregistration_job() -> int:
    """The daily job as a task (the schedule runs it; apps/jobs/schedule.py); returns
    how many cases it opened."""
    from apps.registrations.notifications import notify_family
    from apps.registrations.reregistration import open_reregistrations

    return len(open_reregistrations(on_opened=notify_family).opened)
