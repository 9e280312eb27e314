"""The messages the registrations app sends (apps/outbox): a child's re-registration
at the program's age, to the guardian and to the child's own account."""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from apps.outbox import kinds
from apps.outbox import services as outbox
from apps.outbox.kinds import Composed, Gone
from apps.outbox.models import Message
from apps.registrations.models import Registration

REREGISTRATION = "registrations.reregistration"


def notify_family(case: Registration) -> None:
    """Queue the re-registration message to the guardian who filed and to the child's
    account, if any, in the caller's transaction (the case opens with its messages),
    in the language of the original filing."""
    recipients = {case.filed_by.email: case.filed_by}
    account = case.person.account
    if account is not None:
        recipients[account.email] = account
    for address, user in sorted(recipients.items()):
        outbox.queue(
            REREGISTRATION,
            recipient=address,
            language=case.language,
            user=user,
            params={"registration_id": str(case.id)},
        )


@kinds.kind(REREGISTRATION)
def reregistration(message: Message) -> Composed:
    case = Registration.objects.filter(pk=message.params["registration_id"]).first()
    if case is None:
        raise Gone("the case is gone")
    return Composed(
        subject=_("Re-registration at 14: case %(case)s") % {"case": case.case_number},
        body=render_to_string(
            "registrations/email/reregistration.txt",
            {"case_number": case.case_number, "due_on": case.due_on},
        ),
    )
