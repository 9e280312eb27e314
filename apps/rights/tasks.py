"""The rights app's background work, run by the task worker."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from apps.accounts.models import User
from apps.accounts.permissions import Role


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
    """Tell every active privacy officer that a request passed its deadline. The
    e-mail holds the kind, the id and the date only: nothing about the person."""
    officers = User.objects.filter(role=Role.PRIVACY_OFFICER, is_active=True)
    sent = 0
    for officer in officers:
        with translation.override(officer.preferred_language or settings.LANGUAGE_CODE):
            label = _("correction request") if kind == "correction" else _("complaint")
            send_mail(
                subject=_("Overdue %(kind)s escalated to you") % {"kind": label},
                message=_(
                    "A %(kind)s (%(id)s) was due on %(due)s and has not been decided. "
                    "Open the escalated requests: %(url)s"
                )
                % {
                    "kind": label,
                    "id": item_id,
                    "due": due_on,
                    "url": settings.SITE_URL + reverse("rights:escalated"),
                },
                from_email=None,
                recipient_list=[officer.email],
            )
        sent += 1
    return sent
