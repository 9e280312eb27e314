"""The messages the rights app sends (apps/outbox): an overdue correction request or
complaint escalated to each privacy officer. It holds the kind, the id and the date
only: nothing about the person."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.permissions import Role
from apps.outbox import kinds
from apps.outbox import services as outbox
from apps.outbox.kinds import Composed
from apps.outbox.models import Message

ESCALATION = "rights.escalation"


def notify_privacy_officers(kind: str, item_id: str, due_on: str) -> int:
    """Queue one message per active privacy officer, in the caller's transaction;
    returns how many."""
    officers = User.objects.filter(role=Role.PRIVACY_OFFICER, is_active=True).order_by("pk")
    for officer in officers:
        outbox.queue(
            ESCALATION,
            recipient=officer.email,
            language=officer.preferred_language or settings.LANGUAGE_CODE,
            user=officer,
            params={"kind": kind, "item_id": item_id, "due_on": due_on},
        )
    return len(officers)


@kinds.kind(ESCALATION)
def escalation(message: Message) -> Composed:
    params = message.params
    label = _("correction request") if params["kind"] == "correction" else _("complaint")
    return Composed(
        subject=_("Overdue %(kind)s escalated to you") % {"kind": label},
        body=_(
            "A %(kind)s (%(id)s) was due on %(due)s and has not been decided. "
            "Open the escalated requests: %(url)s"
        )
        % {
            "kind": label,
            "id": params["item_id"],
            "due": params["due_on"],
            "url": settings.SITE_URL + reverse("rights:escalated"),
        },
    )
