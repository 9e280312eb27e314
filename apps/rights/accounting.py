"""The accounting of disclosures: every read, change and disclosure about a person
(who, which organisation, when, purpose, legal basis), less what an active
law-enforcement hold keeps back, plus a line for each hold that has ended.

Holds no personal data: it reads the audit log (codes and opaque ids) only."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.permissions import STAFF_ROLES, Role
from apps.audit.models import Action, AuditEntry
from apps.registrations.access_sentences import purpose_label, sentence_for
from apps.registrations.models import Person
from apps.rights.models import DisclosureHold
from apps.rights.services import hidden_entry_ids

MAX_ENTRIES = 5000
STAFF = {role.value for role in STAFF_ROLES}


def organisation(entry: AuditEntry) -> str:
    """Who the actor acted for: the partner organisation a disclosure names (or its
    agreement), the registry for its staff and the system, the person themselves
    otherwise."""
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    named = detail.get("organisation") or detail.get("partner")
    if named:
        return str(named)
    if entry.action == Action.DISCLOSE or entry.actor_role == "partner":
        return str(detail.get("agreement") or entry.reference or _("Partner agency"))
    if entry.actor_role in STAFF:
        office = detail.get("office")
        return _("Registration agency") + (f" ({office})" if office else "")
    if entry.actor_role == "system":
        return _("Registration agency (automatic)")
    return _("You or your guardian")


def _role_label(role: str) -> str:
    try:
        return Role(role).label
    except ValueError:
        return _("The system") if role == "system" else role


def accounting_for(
    person: Person, language: str, reader: User | None = None
) -> list[dict[str, Any]]:
    """The person's entries, newest first, in the reader's language; `said` is each
    entry as a sentence ("An officer at the NWK office opened your case to …")."""
    hidden = hidden_entry_ids(person.id)
    entries = AuditEntry.objects.filter(subject_id=person.id).order_by("-at", "-id")
    programs = {person.id: person.program}
    return [
        {
            "entry": entry.pk,
            "at": entry.at.isoformat(),
            "action": entry.action,
            "action_label": str(Action(entry.action).label)
            if entry.action in Action.values
            else entry.action,
            "what": entry.object_type,
            "object_id": entry.object_id,
            "who_role": _role_label(entry.actor_role),
            "who_id": entry.actor_id,
            "organisation": organisation(entry),
            "purpose": entry.purpose,
            "purpose_label": purpose_label(entry, programs, language),
            "said": sentence_for(reader, entry, person.program) if reader else "",
            "legal_basis": entry.legal_basis,
            "reference": entry.reference,
        }
        for entry in entries.exclude(pk__in=hidden)[:MAX_ENTRIES]
    ]


def ended_holds(person: Person) -> list[dict[str, Any]]:
    """Holds that no longer apply: the person learns that some entries were held back,
    from when to when, once it is over (never the reason, which may name an inquiry)."""
    now = timezone.now()
    return [
        {
            "placed_at": hold.placed_at.isoformat(),
            "ended_at": (hold.ended_at or hold.ends_at).isoformat(),
            "renewals": hold.renewals,
        }
        for hold in DisclosureHold.objects.filter(person=person).order_by("placed_at")
        if (hold.ended_at is not None and hold.ended_at <= now) or hold.ends_at <= now
    ]


def accounting_section(user: User, person: Person) -> dict[str, Any]:
    from django.utils.translation import get_language

    return {
        "entries": accounting_for(person, get_language() or "en", user),
        "holds_that_ended": ended_holds(person),
    }
