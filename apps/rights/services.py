"""Law-enforcement holds on a person's access log, and citizenship claims.

Every write runs in one transaction with its audit entry. Corrections and complaints
are in `redress.py`; reading sealed text is in `access.py`.

Holds are logged on the *system* chain (subject None), with the hold's id and the
number of held entries but never their ids: an entry on the person's own chain would
tell them, while the hold lasts, that someone asked to keep something from them. The
hold row names the person, so an auditor can still join the two.
"""

import base64
import datetime as dt
import uuid
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit import services as audit
from apps.audit.models import Action, AuditEntry
from apps.audit.services import SystemActor
from apps.registrations.models import Person, Registration
from apps.registrations.reasons import Decision
from apps.rights.evidence import Evidence
from apps.rights.models import CitizenshipClaim, ClaimState, DisclosureHold
from apps.rights.reasons import CLAIM_REASONS
from apps.vault import services as vault
from registry.errors import Conflict, FormInvalid

HOLD_MAX_DAYS = 365
MIN_REASON = 10
MAX_TEXT = 4000
CLAIM_LABEL = "rights.citizenship-claim"
CLAIM_EVIDENCE_LABEL = "rights.citizenship-claim.evidence"
ADVERSE_DECISIONS = frozenset({Decision.REJECT, Decision.REQUEST_EVIDENCE})


class CitizenshipClaimOpen(Conflict):
    code = "citizenship_claim_open"


# ---------------------------------------------------------------- holds


def _active_holds(person_ids: list[uuid.UUID]) -> list[DisclosureHold]:
    return list(
        DisclosureHold.objects.filter(
            person_id__in=person_ids, ends_at__gt=timezone.now(), ended_at__isnull=True
        )
    )


def hidden_entries_among(person_ids: list[uuid.UUID]) -> set[int]:
    """The ids of audit entries about these people under an active hold. A hold stops
    hiding at its end time without any job: the comparison is with now."""
    holds = _active_holds(person_ids)
    hidden: set[int] = set()
    references: dict[uuid.UUID, set[str]] = {}
    for hold in holds:
        if hold.scope == DisclosureHold.Scope.ENTRIES:
            hidden.update(int(i) for i in hold.entry_ids)
        else:
            references.setdefault(hold.person_id, set()).add(hold.reference)
    if references:
        match = Q(pk__in=[])
        for person_id, refs in references.items():
            match |= Q(subject_id=person_id, reference__in=refs)
        hidden.update(AuditEntry.objects.filter(match).values_list("pk", flat=True))
    return hidden


def hidden_entry_ids(person_id: uuid.UUID) -> set[int]:
    """Audit entry ids about the person that an active law-enforcement hold keeps from
    them (their access log and subject-access export leave these out)."""
    return hidden_entries_among([person_id])


def _end_of(day: dt.date) -> dt.datetime:
    """A hold "until day D" lasts through D: it ends at the next local midnight."""
    midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(midnight)


def _check_hold_terms(reason: str, ends_on: dt.date | None, today: dt.date) -> str:
    errors: dict[str, list[str]] = {}
    reason = reason.strip()
    if len(reason) < MIN_REASON or len(reason) > 500:
        errors["reason"] = [_("Give the reason (10 to 500 characters).")]
    if ends_on is None or ends_on < today:
        errors["ends_on"] = [_("Give an end date from today on.")]
    elif ends_on > today + dt.timedelta(days=HOLD_MAX_DAYS):
        errors["ends_on"] = [
            _("A hold lasts at most a year: end it by %(day)s, and renew it if needed.")
            % {"day": (today + dt.timedelta(days=HOLD_MAX_DAYS)).isoformat()}
        ]
    if errors:
        raise FormInvalid(
            _("The hold needs a reason and an end date within a year."), fields=errors
        )
    return reason


def _hold_detail(hold: DisclosureHold) -> dict[str, Any]:
    count = len(hold.entry_ids) if hold.scope == DisclosureHold.Scope.ENTRIES else None
    return {
        "scope": hold.scope,
        "entries": count,
        "ends_on": timezone.localtime(hold.ends_at).date().isoformat(),
        "renewals": hold.renewals,
    }


@transaction.atomic
def place_hold(
    actor: User,
    person: Person,
    *,
    reason: str,
    ends_on: dt.date | None,
    entry_ids: list[int] | None = None,
    reference: str = "",
) -> DisclosureHold:
    """Hold back chosen entries (by id) or every entry logged under `reference` from the
    person until the end of `ends_on` (at most a year from today). FormInvalid (422) for
    a missing or short reason, an end date in the past or beyond a year, no selection,
    or an entry that is not about this person."""
    today = timezone.localdate()
    reason = _check_hold_terms(reason, ends_on, today)
    assert ends_on is not None  # checked above  # noqa: S101
    ids = sorted({int(i) for i in entry_ids or []})
    reference = reference.strip()[:200]
    if bool(ids) == bool(reference):
        raise FormInvalid(
            _("Choose either entries of the person's log or a reference, not both."),
            fields={"entry_ids": [_("Choose the entries, or give a reference.")]},
        )
    if ids:
        found = set(
            AuditEntry.objects.filter(pk__in=ids, subject_id=person.id).values_list("pk", flat=True)
        )
        if found != set(ids):
            raise FormInvalid(
                _("Some entries are not about this person: %(ids)s.")
                % {"ids": ", ".join(str(i) for i in sorted(set(ids) - found))},
                fields={"entry_ids": [_("Not entries of this person's log.")]},
            )
    hold = DisclosureHold.objects.create(
        person=person,
        scope=DisclosureHold.Scope.ENTRIES if ids else DisclosureHold.Scope.REFERENCE,
        entry_ids=ids,
        reference=reference,
        reason=reason,
        placed_by=actor,
        ends_at=_end_of(ends_on),
    )
    _log_hold(actor, Action.CREATE, hold)
    return hold


@transaction.atomic
def renew_hold(
    actor: User, hold: DisclosureHold, *, reason: str, ends_on: dt.date | None
) -> DisclosureHold:
    """Extend an active hold to the end of `ends_on`, at most a year from today, with a
    new reason. FormInvalid when the reason is the same as before; Conflict when the
    hold has ended (place a new one)."""
    locked = DisclosureHold.objects.select_for_update().get(pk=hold.pk)
    if locked.ended_at is not None or locked.ends_at <= timezone.now():
        raise Conflict(_("This hold has ended; place a new hold instead."))
    reason = _check_hold_terms(reason, ends_on, timezone.localdate())
    assert ends_on is not None  # noqa: S101
    if reason == locked.reason:
        raise FormInvalid(
            _("A renewal needs a new reason: say why the hold is still needed."),
            fields={"reason": [_("Same as the previous reason.")]},
        )
    locked.reason = reason
    locked.ends_at = _end_of(ends_on)
    locked.renewals += 1
    locked.save(update_fields=["reason", "ends_at", "renewals"])
    _log_hold(actor, Action.UPDATE, locked)
    return locked


@transaction.atomic
def end_hold(actor: User | SystemActor, hold: DisclosureHold) -> bool:
    """Lift the hold now (or, for the system, record that it ran out). Idempotent:
    False when its end was already recorded."""
    now = timezone.now()
    ended = DisclosureHold.objects.filter(pk=hold.pk, ended_at__isnull=True).update(
        ended_at=min(now, hold.ends_at),
        ended_by=actor if isinstance(actor, User) else None,
    )
    if ended:
        hold.refresh_from_db()
        _log_hold(actor, Action.DECIDE, hold)
    return bool(ended)


def end_expired_holds() -> int:
    """Record the end of every hold whose time ran out (the entries already show:
    this only writes the log entry). Idempotent; returns how many it recorded."""
    expired = DisclosureHold.objects.filter(ended_at__isnull=True, ends_at__lte=timezone.now())
    return sum(end_hold(audit.SYSTEM, hold) for hold in expired)


def _log_hold(actor: User | SystemActor, action: Action, hold: DisclosureHold) -> None:
    audit.record(
        actor=actor,
        action=action,
        subject_id=None,  # the system chain: see the module docstring
        object_type="disclosure_hold",
        object_id=str(hold.pk),
        detail=_hold_detail(hold),
    )


# ---------------------------------------------------------------- citizenship claims


def has_open_citizenship_claim(person_id: uuid.UUID) -> bool:
    """True while a claim of citizenship about the person is unresolved: nothing about
    them may leave the registry and no adverse decision may be taken."""
    return CitizenshipClaim.objects.filter(person_id=person_id, state=ClaimState.OPEN).exists()


def persons_with_open_claims(person_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    return set(
        CitizenshipClaim.objects.filter(
            person_id__in=person_ids, state=ClaimState.OPEN
        ).values_list("person_id", flat=True)
    )


def refuse_adverse_decision_during_claim(
    registration: Registration, decision: Decision, reason_code: str
) -> None:
    """A DECISION_GUARD (apps.registrations.casework): no rejection and no request for
    evidence while a citizenship claim is open. Registering stays allowed: it is what
    the person asked for, it gives them their proof, and it discloses nothing."""
    if decision in ADVERSE_DECISIONS and has_open_citizenship_claim(registration.person_id):
        raise CitizenshipClaimOpen(
            _(
                "A claim of US citizenship is open for this person: no adverse decision "
                "until the privacy officer resolves it."
            )
        )


@transaction.atomic
def record_claim(
    actor: User, person: Person, *, statement: str, evidence: Evidence | None, language: str
) -> CitizenshipClaim:
    """Record a claim or evidence of citizenship (by the person or an officer).
    FormInvalid for an empty or over-long statement; Conflict when one is already open
    (add to it by telling the privacy officer)."""
    statement = statement.strip()
    if not statement or len(statement) > MAX_TEXT:
        raise FormInvalid(
            _("Say why the person is a citizen (at most %(limit)d characters).")
            % {"limit": MAX_TEXT},
            fields={"statement": [_("Required.")]},
        )
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if has_open_citizenship_claim(person.id):
        raise Conflict(_("A citizenship claim is already open for this person."))
    claim = CitizenshipClaim.objects.create(
        person=person,
        recorded_by=actor,
        recorded_by_role=actor.role,
        language=language[:8],
        text_sealed=vault.seal_json(person.id, CLAIM_LABEL, statement),
        **_sealed_evidence(person.id, CLAIM_EVIDENCE_LABEL, evidence),
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        subject_id=person.id,
        object_type="citizenship_claim",
        object_id=str(claim.id),
        detail={"evidence": evidence is not None},
    )
    return claim


def _sealed_evidence(person_id: uuid.UUID, label: str, evidence: Evidence | None) -> dict[str, Any]:
    if evidence is None:
        return {}
    encoded = base64.b64encode(evidence.content).decode()
    return {
        "evidence_sealed": vault.seal_json(person_id, label, encoded),
        "evidence_type": evidence.content_type,
        "evidence_size": len(evidence.content),
    }


@transaction.atomic
def resolve_claim(
    actor: User, claim: CitizenshipClaim, *, confirmed: bool, reason_code: str = ""
) -> CitizenshipClaim:
    """The privacy officer's decision. Confirmed: the person's record is expunged
    (apps.retention.services.expunge_person, ground "citizenship-confirmed").
    Not confirmed: closed with a reason the person reads. Idempotent for a repeat of
    the same decision; Conflict for a different decision on a resolved claim."""
    locked = CitizenshipClaim.objects.select_for_update().get(pk=claim.pk)
    wanted = ClaimState.CONFIRMED if confirmed else ClaimState.NOT_CONFIRMED
    if locked.state != ClaimState.OPEN:
        if locked.state == wanted:
            return locked
        raise Conflict(_("This claim was already resolved."))
    code = "citizenship-confirmed" if confirmed else reason_code
    if code not in CLAIM_REASONS or (not confirmed and code == "citizenship-confirmed"):
        codes = sorted(c for c in CLAIM_REASONS if c != "citizenship-confirmed")
        raise FormInvalid(
            _("Give one of these reasons: %(codes)s.") % {"codes": ", ".join(codes)},
            fields={"reason_code": [_("A reason the person can read is required.")]},
        )
    locked.state = wanted
    locked.resolved_by = actor
    locked.resolved_at = timezone.now()
    locked.reason_code = code
    locked.save(update_fields=["state", "resolved_by", "resolved_at", "reason_code"])
    audit.record(
        actor=actor,
        action=Action.DECIDE,
        subject_id=locked.person_id,
        object_type="citizenship_claim",
        object_id=str(locked.id),
        detail={"outcome": str(wanted), "reason": code},
    )
    if confirmed:
        _expunge(actor, locked.person_id)
    return locked


def _expunge(actor: User, person_id: uuid.UUID) -> None:
    try:
        from apps.retention.services import expunge_person
    except ImportError:  # the retention app is not there yet: erase the person directly
        from apps.registrations.access import erase_person

        erase_person(actor, person_id, reason="citizenship-confirmed")
        return
    expunge_person(actor, person_id, ground="citizenship-confirmed")


def forget_sealed_requests(person_id: uuid.UUID) -> None:
    """An ERASURE_HOOK: the person's key is being destroyed, so their requests' sealed
    text and evidence are unreadable anyway; drop the bytes too. The rows stay (dates,
    codes, outcomes) as the record that the requests were made and answered."""
    from apps.rights.models import Complaint, CorrectionRequest

    for model in (CorrectionRequest, Complaint):
        model.objects.filter(person_id=person_id).update(
            text_sealed=b"", evidence_sealed=None, note_sealed=None
        )
    CitizenshipClaim.objects.filter(person_id=person_id).update(
        text_sealed=b"", evidence_sealed=None
    )
