"""The messages the registrations app sends (apps/outbox): a child's re-registration
at the program's age, to the guardian and to the child's own account; the confirmation
that a registration was received, and that it is registered, to whoever filed it."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.outbox import kinds
from apps.outbox import services as outbox
from apps.outbox.kinds import Composed, Gone
from apps.outbox.models import Message
from apps.registrations.models import Registration

REREGISTRATION = "registrations.reregistration"
CONFIRMATION = "registrations.confirmation"
CONFIRMATION_SUBJECTS = {
    "submitted": gettext_lazy("We received your registration %(case)s"),
    "registered": gettext_lazy("You are registered: case %(case)s"),
}


def language_for(case: Registration) -> str:
    """The filer's language, else the language the case was filed in."""
    supported = {code for code, _name in settings.LANGUAGES}
    for language in (case.filed_by.preferred_language, case.language):
        if language in supported:
            return language
    return str(settings.LANGUAGE_CODE)


def confirm(case: Registration, event: str) -> None:
    """Queue the confirmation that `case` was received ("submitted") or is registered
    ("registered") to whoever filed it (the registrant, or the guardian of a child), in
    the caller's transaction, in their language. It holds the case number and a link to
    the case; no other personal data."""
    outbox.queue(
        CONFIRMATION,
        recipient=case.filed_by.email,
        language=language_for(case),
        user=case.filed_by,
        params={"registration_id": str(case.id), "event": event},
    )


@kinds.kind(CONFIRMATION)
def confirmation(message: Message) -> Composed:
    event = message.params["event"]
    case = Registration.objects.filter(pk=message.params["registration_id"]).first()
    if case is None or not case.case_number:
        raise Gone("the case is gone")
    context = {
        "case_number": case.case_number,
        "for_child": case.for_child,
        "url": settings.SITE_URL + reverse("registrations:case", args=[case.case_number]),
    }
    return Composed(
        subject=str(CONFIRMATION_SUBJECTS[event]) % {"case": case.case_number},
        body=render_to_string(f"registrations/email/{event}.txt", context),
    )


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
