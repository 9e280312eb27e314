"""Notifications about cases, sent after the transaction that caused them commits."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from apps.registrations.models import Registration


@task()
def notify_reregistration(registration_id: str) -> None:
    """Tell the guardian (and the child, once they have an account) that the child's
    re-registration is open, in the language of the original filing."""
    case = Registration.objects.select_related("filed_by", "person__account").get(
        pk=registration_id
    )
    recipients = {case.filed_by.email}
    if case.person.account:
        recipients.add(case.person.account.email)
    with translation.override(case.language):
        body = render_to_string(
            "registrations/email/reregistration.txt",
            {"case_number": case.case_number, "due_on": case.due_on},
        )
        send_mail(
            subject=_("Re-registration at 14: case %(case)s") % {"case": case.case_number},
            message=body,
            from_email=None,
            recipient_list=sorted(recipients),
        )


@task()
def run_reregistration_job() -> int:
    """The daily job as a task (for a scheduler that enqueues tasks); returns how many
    cases it opened."""
    from apps.registrations.reregistration import open_reregistrations

    return len(open_reregistrations(on_opened=enqueue_notification).opened)


def enqueue_notification(case: Registration) -> None:
    from django.db import transaction

    transaction.on_commit(lambda: notify_reregistration.enqueue(str(case.id)))
