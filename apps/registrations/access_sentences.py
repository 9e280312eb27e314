"""The person's access log as plain sentences in their language: "You opened your
form", "An officer at the NWK office opened your case to process your registration".

The log itself holds codes (actor role, action, object type, purpose); this module turns
them into words, and groups what one visit did (the same person reading, for the same
purpose, within half an hour) into one line, so a page reloaded seven times reads as one
visit. It reads the audit log only: no personal data, no ids of staff.
"""

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.accounts.permissions import STAFF_ROLES, Role
from apps.audit.models import Action, AuditEntry
from apps.programs.loader import get_program
from apps.registrations.models import CaseState

PAGE_ENTRIES = 500
# Entries of one visit: the same reader, action and purpose, each within this of the next.
VISIT_GAP = dt.timedelta(minutes=30)
STAFF = {role.value for role in STAFF_ROLES}
SELF_PURPOSES = {"self-access", "self-filing", "self-reporting", ""}

PRIVACY_OFFICER = gettext_lazy("The privacy officer")
AUDITOR = gettext_lazy("An auditor")
ADMINISTRATOR = gettext_lazy("An administrator")
STAFF_WHO: dict[str, tuple[Promise, Promise]] = {
    # (without an office, at an office)
    Role.OFFICER: (gettext_lazy("An officer"), gettext_lazy("An officer at the %(office)s office")),
    Role.SUPERVISOR: (
        gettext_lazy("A supervisor"),
        gettext_lazy("A supervisor at the %(office)s office"),
    ),
    Role.PRIVACY_OFFICER: (
        gettext_lazy("The privacy officer"),
        gettext_lazy("The privacy officer"),
    ),
    Role.AUDITOR: (gettext_lazy("An auditor"), gettext_lazy("An auditor")),
    Role.ADMIN: (gettext_lazy("An administrator"), gettext_lazy("An administrator")),
}

# What a read opened, as the object of "… opened %(things)s".
READ_THINGS: dict[str, Promise] = {
    "registration": gettext_lazy("your case"),
    "case-notes": gettext_lazy("the officers' notes on your case"),
    "address": gettext_lazy("the addresses you reported"),
    "proof-name": gettext_lazy("your name as printed on your proof of registration"),
    "biometric_portrait": gettext_lazy("your photo"),
    "biometric_match": gettext_lazy(
        "your photo and fingerprints, to compare them with another record"
    ),
    "correction": gettext_lazy("your request for a correction"),
    "complaint": gettext_lazy("your complaint"),
    "citizenship_claim": gettext_lazy("your claim of US citizenship"),
    "evidence": gettext_lazy("the evidence you sent"),
    "audit_entry": gettext_lazy("an entry of the log of your record"),
}
OWN_FORM = gettext_lazy("your form")

# Everything else, as whole sentences: (action, object type) → "%(who)s …".
SENTENCES: dict[tuple[str, str], Promise] = {
    (Action.CREATE, "registration"): gettext_lazy("%(who)s started your registration form"),
    (Action.UPDATE, "registration"): gettext_lazy("%(who)s changed your case"),
    (Action.SUBMIT, "registration"): gettext_lazy("%(who)s submitted your registration"),
    (Action.CREATE, "appointment"): gettext_lazy("%(who)s booked your biometrics appointment"),
    (Action.UPDATE, "appointment"): gettext_lazy("%(who)s changed your appointment"),
    (Action.UPDATE, "address"): gettext_lazy("%(who)s reported your new address"),
    (Action.CREATE, "biometric_enrolment"): gettext_lazy(
        "%(who)s took your photo and fingerprints"
    ),
    (Action.SEARCH, "biometric_search"): gettext_lazy(
        "%(who)s compared your photo and fingerprints with the register, to find anyone "
        "registered twice"
    ),
    (Action.SEARCH, "biometric_verify"): gettext_lazy(
        "%(who)s checked your identity against your photo and fingerprints"
    ),
    (Action.DECIDE, "biometric_match"): gettext_lazy(
        "%(who)s decided whether a possible match with another record is you"
    ),
    (Action.DECIDE, "biometric_review"): gettext_lazy("%(who)s reviewed that decision"),
    (Action.CREATE, "proof"): gettext_lazy("%(who)s issued your proof of registration"),
    (Action.UPDATE, "proof"): gettext_lazy("%(who)s withdrew a proof of registration"),
    (Action.EXPORT, "subject_access"): gettext_lazy(
        "%(who)s downloaded everything the registry holds about you"
    ),
    (Action.CREATE, "correction"): gettext_lazy("%(who)s asked for a correction of your record"),
    (Action.DECIDE, "correction"): gettext_lazy("%(who)s decided your request for a correction"),
    (Action.CREATE, "complaint"): gettext_lazy("%(who)s filed a complaint"),
    (Action.DECIDE, "complaint"): gettext_lazy("%(who)s decided your complaint"),
    (Action.UPDATE, "escalation"): gettext_lazy(
        "%(who)s passed your request to the privacy officer: it was not decided in time"
    ),
    (Action.CREATE, "citizenship_claim"): gettext_lazy(
        "%(who)s recorded a claim that you are a US citizen"
    ),
    (Action.DECIDE, "citizenship_claim"): gettext_lazy(
        "%(who)s decided your claim of US citizenship"
    ),
    (Action.DISCLOSE, "registration"): gettext_lazy(
        "%(who)s asked about your registration and was told what its agreement allows"
    ),
    (Action.REFUSE, "partner_query"): gettext_lazy(
        "%(who)s asked about your registration and was told nothing, because your claim of "
        "US citizenship is open"
    ),
    (Action.CREATE, "partner_departure"): gettext_lazy(
        "%(who)s reported that you left the country"
    ),
    (Action.SEARCH, "audit_log"): gettext_lazy("%(who)s looked through the log of your record"),
    (Action.KEY_DESTROYED, "person"): gettext_lazy(
        "%(who)s erased your record: its personal data can no longer be read by anyone"
    ),
    (Action.EXPUNGE, "person"): gettext_lazy("%(who)s expunged your record"),
}
APPOINTMENT_SENTENCES: dict[str, Promise] = {
    "cancelled": gettext_lazy("%(who)s cancelled your appointment"),
    "missed": gettext_lazy("%(who)s recorded that you did not come to your appointment"),
    "attended": gettext_lazy("%(who)s recorded that you came to your appointment"),
    "moved": gettext_lazy("%(who)s moved your appointment"),
    "reminder": gettext_lazy("%(who)s sent you a reminder of your appointment"),
}
GENERIC = gettext_lazy("%(who)s did this to your record: %(action)s")
SYSTEM_WHY: dict[str, Promise] = {
    "reregistration-at-age": gettext_lazy("because the child turned 14"),
}


@dataclass(frozen=True)
class Line:
    """One line of the log: a sentence for one entry, or for a visit's entries."""

    sentence: str
    first_at: dt.datetime
    last_at: dt.datetime
    count: int
    legal_basis: str
    reference: str
    case_number: str
    entry_ids: tuple[int, ...]


def lines_for(reader: User, entries: Iterable[AuditEntry], programs: dict[Any, str]) -> list[Line]:
    """The entries (newest first) as lines in the active language, a visit's entries
    together. `programs` maps each subject to its program (for purpose wordings)."""
    groups: list[list[AuditEntry]] = []
    for entry in entries:
        if groups and _same_visit(groups[-1], entry):
            groups[-1].append(entry)
        else:
            groups.append([entry])
    return [_line(reader, group, programs) for group in groups]


def sentence_for(reader: User, entry: AuditEntry, program_slug: str | None) -> str:
    """One entry as a sentence (for the subject-access export)."""
    return _line(reader, [entry], {entry.subject_id: program_slug or ""}).sentence


def _same_visit(group: list[AuditEntry], entry: AuditEntry) -> bool:
    last = group[-1]
    return (
        entry.action == last.action == Action.READ
        and (entry.actor_id, entry.actor_role, entry.subject_id)
        == (last.actor_id, last.actor_role, last.subject_id)
        and (entry.purpose, entry.reference, entry.legal_basis)
        == (last.purpose, last.reference, last.legal_basis)
        and last.at - entry.at <= VISIT_GAP
    ) or (
        # The same change made again and again (a draft saved at each step).
        entry.action == last.action
        and (entry.actor_id, entry.actor_role, entry.subject_id, entry.object_type)
        == (last.actor_id, last.actor_role, last.subject_id, last.object_type)
        and entry.detail == last.detail
        and entry.purpose == last.purpose
        and last.at - entry.at <= VISIT_GAP
    )


def _line(reader: User, group: list[AuditEntry], programs: dict[Any, str]) -> Line:
    first = group[0]
    who = _who(reader, first)
    sentence = _read_sentence(who, group) if first.action == Action.READ else _sentence(who, first)
    why = _why(first, programs.get(first.subject_id, ""))
    text = f"{sentence} {why}" if why else sentence
    return Line(
        sentence=f"{text}.",
        first_at=group[-1].at,
        last_at=first.at,
        count=len(group),
        legal_basis=first.legal_basis,
        reference=first.reference,
        case_number=_case_number(first),
        entry_ids=tuple(e.pk for e in group),
    )


def _who(reader: User, entry: AuditEntry) -> str:
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    role = entry.actor_role
    if entry.actor_id is not None and entry.actor_id == reader.pk and role not in STAFF:
        return _("You")
    if role in STAFF:
        plain, at_office = STAFF_WHO[Role(role)]
        office = str(detail.get("office") or "")
        return str(at_office) % {"office": office} if office else str(plain)
    if role == Role.PARTNER or entry.action == Action.DISCLOSE:
        organisation = detail.get("organisation") or detail.get("agreement")
        return (
            _("%(organisation)s (a partner agency)") % {"organisation": organisation}
            if organisation
            else _("A partner agency")
        )
    others = {
        "system": _("The registry"),
        Role.GUARDIAN.value: _("Your parent or guardian"),
    }
    return others.get(role, _("The registrant"))


def _read_sentence(who: str, group: list[AuditEntry]) -> str:
    things: list[str] = []
    for entry in reversed(group):  # in the order they were read
        if entry.object_type == "registration" and entry.purpose == "self-access":
            thing = str(OWN_FORM)
        else:
            thing = str(READ_THINGS.get(entry.object_type, gettext_lazy("your record")))
        if thing not in things:
            things.append(thing)
    listed = (
        things[0]
        if len(things) == 1
        else _("%(some)s and %(last)s")
        % {
            "some": ", ".join(things[:-1]),
            "last": things[-1],
        }
    )
    return _("%(who)s opened %(things)s") % {"who": who, "things": listed}


def _sentence(who: str, entry: AuditEntry) -> str:
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    key = (entry.action, entry.object_type)
    template: Promise | None = None
    if key == (Action.UPDATE, "appointment"):
        template = APPOINTMENT_SENTENCES.get(_appointment_change(detail))
    elif key == (Action.UPDATE, "registration"):
        template = _registration_change(entry, detail)
    elif key == (Action.TRANSITION, "registration"):
        state = _state_label(str(detail.get("to", "")))
        if entry.actor_role in STAFF:  # a decision: say who took it
            return _("%(who)s moved your case to “%(state)s”") % {"who": who, "state": state}
        # What follows from the reader's own step (a booking) or the system's.
        return _("Your case moved to “%(state)s”") % {"state": state}
    template = template or SENTENCES.get(key)
    if template is None:
        action = Action(entry.action).label if entry.action in Action.values else entry.action
        return str(GENERIC) % {"who": who, "action": str(action).lower()}
    values = {"who": who, "office": detail.get("office", "")}
    text = str(template) % values
    if key == (Action.UPDATE, "address") and detail.get("late"):
        text = _("%(text)s, more than 10 days after the move") % {"text": text}
    return text


def _appointment_change(detail: dict[str, Any]) -> str:
    if detail.get("reminder"):
        return "reminder"
    if detail.get("replaces"):
        return "moved"
    return str(detail.get("state", ""))


# A change of the case, told by what its entry's detail says, first match wins.
REGISTRATION_CHANGES: list[tuple[Any, Promise]] = [
    (
        lambda entry, detail: detail.get("interview"),
        gettext_lazy("%(who)s recorded your appointment: your identity document was checked"),
    ),
    (
        lambda entry, detail: "assigned_to" in detail and detail["assigned_to"] is None,
        gettext_lazy("%(who)s returned your case to the shared queue"),
    ),
    (
        lambda entry, detail: "assigned_to" in detail,
        gettext_lazy("%(who)s gave your case to an officer to work on"),
    ),
    (
        lambda entry, detail: "previous_office" in detail,
        gettext_lazy("%(who)s moved your case to the %(office)s office"),
    ),
    (
        lambda entry, detail: detail.get("via") == "correction",
        gettext_lazy("%(who)s corrected your record as you asked"),
    ),
    (
        lambda entry, detail: entry.purpose == "self-filing",
        gettext_lazy("%(who)s saved your form"),
    ),
]


def _registration_change(entry: AuditEntry, detail: dict[str, Any]) -> Promise | None:
    return next((text for test, text in REGISTRATION_CHANGES if test(entry, detail)), None)


def _why(entry: AuditEntry, program_slug: str) -> str:
    """The purpose as the end of the sentence; nothing for what people do themselves."""
    code = entry.purpose
    if code in SELF_PURPOSES:
        return ""
    if code in SYSTEM_WHY:
        return str(SYSTEM_WHY[code])
    from django.utils.translation import get_language

    language = get_language() or "en"
    if program_slug:
        program = get_program(program_slug)
        purpose = program.purpose(code)
        if purpose is not None:
            if purpose.why:
                return program.text(purpose.why, language)
            return _("for this purpose: %(label)s") % {
                "label": program.text(purpose.label, language)
            }
    return _("for this purpose: %(label)s") % {"label": code.replace("-", " ")}


def _state_label(state: str) -> str:
    try:
        return str(CaseState(state).label)
    except ValueError:
        return state.replace("_", " ")


def _case_number(entry: AuditEntry) -> str:
    if entry.object_type in ("registration", "case-notes", "address", "proof-name"):
        return entry.object_id
    return ""


SYSTEM_PURPOSES = {
    "self-access": gettext_lazy("You (or the guardian who filed) looked at the answers"),
    "self-filing": gettext_lazy("Filing the registration"),
    "": gettext_lazy("Case work"),
}


def purpose_label(entry: AuditEntry, programs: dict[Any, str], language: str) -> str:
    """The entry's purpose as a label in `language` (the subject-access export's column):
    the program's own label for a staff purpose, ours for the system's."""
    if entry.purpose in SYSTEM_PURPOSES:
        return str(SYSTEM_PURPOSES[entry.purpose])
    slug = programs.get(entry.subject_id) if entry.subject_id else None
    if slug and entry.purpose:
        program = get_program(slug)
        purpose = program.purpose(entry.purpose)
        if purpose:
            return program.text(purpose.label, language)
    return str(SYSTEM_WHY.get(entry.purpose, entry.purpose.replace("-", " ")))


def programs_of(entries: list[AuditEntry]) -> dict[uuid.UUID | None, str]:
    """Each subject's program, for the purposes' wordings."""
    from apps.registrations.models import Person

    subjects = {e.subject_id for e in entries if e.subject_id}
    return dict(Person.objects.filter(pk__in=subjects).values_list("id", "program"))
