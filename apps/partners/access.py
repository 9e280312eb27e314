"""Answering a partner's query: the one path that may tell a partner anything.

Every query is checked against the terms in force (dates, revocation, query type, rate
limit), answered hit / no-hit, and on a hit returns only the fields the terms allow. A
hit is a disclosure: it lands in the person's audit chain (action "disclose") with the
organisation, purpose, legal basis and the partner's case reference, so the person sees
it in their accounting of disclosures. A no-hit leaves no trace of what was asked: the
number or photo may belong to someone who is not in the register at all. A person with
an open citizenship claim is never disclosed: the partner gets no-hit and the attempt
is logged for the privacy officer.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.permissions import Role
from apps.audit import services as audit
from apps.audit.models import Action
from apps.partners.models import Agreement, AgreementVersion, HitField, QueryType
from apps.partners.services import terms_in_force
from apps.programs.loader import get_program
from apps.programs.schema import BlindIndex
from apps.registrations import casework
from apps.registrations.models import (
    BlindIndexEntry,
    CaseState,
    CaseTransition,
    Departure,
    Registration,
)
from apps.registrations.services import FORM_LABEL
from apps.vault import blind_index
from apps.vault import services as vault
from registry.errors import NotAllowed, NotFound, TooManyRequests

FIELD_INDEX = {
    HitField.FAMILY_NAME: BlindIndex.FAMILY_NAME,
    HitField.GIVEN_NAMES: BlindIndex.GIVEN_NAME,
    HitField.BIRTH_DATE: BlindIndex.BIRTH_DATE,
}


@dataclass(frozen=True)
class Answer:
    hit: bool
    reference: str
    agreement: str
    fields: dict[str, Any] = field(default_factory=dict)


def partner_agreement(user: User) -> Agreement:
    """The agreement behind a partner client's account (NotAllowed for anyone else)."""
    agreement = Agreement.objects.filter(client_account=user).first()
    if user.role != Role.PARTNER or agreement is None:
        raise NotAllowed(_("Only a partner agency's API client may query the register."))
    return agreement


def admit_type(user: User, query_type: QueryType) -> tuple[Agreement, AgreementVersion]:
    """The agreement and its terms in force, if they allow this type of query."""
    agreement = partner_agreement(user)
    version = terms_in_force(agreement)
    if query_type.value not in version.query_types:
        raise NotAllowed(
            _("Agreement %(ref)s does not allow queries %(type)s; it allows: %(allowed)s.")
            % {
                "ref": agreement.reference,
                "type": query_type.label,
                "allowed": ", ".join(str(QueryType(t).label) for t in version.query_types),
            }
        )
    return agreement, version


def admit(user: User, query_type: QueryType) -> tuple[Agreement, AgreementVersion]:
    """Check the terms in force and take one query from the rate limit. Runs inside
    the query's transaction, so a refused query does not count."""
    agreement, version = admit_type(user, query_type)
    used = _bump_rate_window(agreement.pk)
    if used > version.rate_limit_per_minute:
        raise TooManyRequests(
            _("Agreement %(ref)s allows %(limit)s queries a minute; wait for the next minute.")
            % {"ref": agreement.reference, "limit": version.rate_limit_per_minute}
        )
    return agreement, version


def _bump_rate_window(agreement_id: uuid.UUID) -> int:
    """One atomic upsert: concurrent queries of one agreement queue on this row until
    the one before commits, so the count cannot be overtaken."""
    minute = timezone.now().replace(second=0, microsecond=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO partners_ratewindow (agreement_id, window_start, count) "
            "VALUES (%s, %s, 1) ON CONFLICT (agreement_id, window_start) "
            "DO UPDATE SET count = partners_ratewindow.count + 1 RETURNING count",
            [_uuid_param(agreement_id), connection.ops.adapt_datetimefield_value(minute)],
        )
        row = cursor.fetchone()
    return int(row[0])


def _uuid_param(value: uuid.UUID) -> Any:
    # Raw SQL gets what the ORM would store: a uuid on PostgreSQL, 32 hex digits on SQLite.
    return value.hex if connection.vendor == "sqlite" else value


def _count_usage(agreement_id: uuid.UUID, *, hit: bool) -> None:
    month = timezone.localdate().replace(day=1)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO partners_usagemonth (agreement_id, month, queries, hits) "
            "VALUES (%s, %s, 1, %s) ON CONFLICT (agreement_id, month) DO UPDATE SET "
            "queries = partners_usagemonth.queries + 1, hits = partners_usagemonth.hits + %s",
            [_uuid_param(agreement_id), month, int(hit), int(hit)],
        )


def _registered_case(person_ids: list[uuid.UUID]) -> Registration | None:
    return (
        Registration.objects.filter(person_id__in=person_ids, state=CaseState.REGISTERED)
        .select_related("person")
        .order_by("-submitted_at")
        .first()
    )


def find_by_registration_number(number: str) -> Registration | None:
    return (
        Registration.objects.filter(case_number=number.strip().upper(), state=CaseState.REGISTERED)
        .select_related("person")
        .first()
    )


def find_by_document_number(number: str) -> Registration | None:
    digest = blind_index.document_index(number)
    person_ids = list(
        BlindIndexEntry.objects.filter(kind=BlindIndexEntry.Kind.DOCUMENT, digest=digest)
        .values_list("person_id", flat=True)
        .distinct()
    )
    return _registered_case(person_ids) if person_ids else None


def find_by_person(person_id: uuid.UUID | None) -> Registration | None:
    return _registered_case([person_id]) if person_id else None


@transaction.atomic
def answer(
    user: User, query_type: QueryType, *, reference: str, registration: Registration | None
) -> Answer:
    """Answer one query whose look-up (`registration`, None for no match) was made by
    the caller inside this transaction's admit(). See the module docstring."""
    agreement, version = admit(user, query_type)
    if registration is not None and _claims_citizenship(registration):
        audit.record(
            actor=user,
            action=Action.REFUSE,
            subject_id=registration.person_id,
            object_type="partner_query",
            object_id=registration.case_number or "",
            legal_basis=version.legal_basis,
            reference=reference[:200],
            detail={"agreement": agreement.reference, "reason": "citizenship_claim_open"},
        )
        registration = None
    _count_usage(agreement.pk, hit=registration is not None)
    if registration is None:
        return Answer(hit=False, reference=reference, agreement=agreement.reference)
    disclosed = _fields(registration, version.fields)
    audit.record(
        actor=user,
        action=Action.DISCLOSE,
        subject_id=registration.person_id,
        object_type="registration",
        object_id=registration.case_number or "",
        purpose=version.purpose,
        legal_basis=version.legal_basis,
        reference=reference[:200],
        detail={
            "agreement": agreement.reference,
            "version": version.number,
            "organisation": agreement.organisation,
            "query": query_type.value,
            "fields": sorted(disclosed),
        },
    )
    return Answer(hit=True, reference=reference, agreement=agreement.reference, fields=disclosed)


def _claims_citizenship(registration: Registration) -> bool:
    from apps.rights.services import has_open_citizenship_claim

    return has_open_citizenship_claim(registration.person_id)


def _fields(registration: Registration, allowed: list[str]) -> dict[str, Any]:
    """Only the fields the terms allow; the form is opened only when one of them is in it."""
    values: dict[str, Any] = {}
    if HitField.STATUS in allowed:
        values[HitField.STATUS] = registration.state
    if HitField.PROGRAM in allowed:
        values[HitField.PROGRAM] = registration.program
    if HitField.REGISTERED_ON in allowed:
        values[HitField.REGISTERED_ON] = _registered_on(registration)
    wanted = [f for f in FIELD_INDEX if f in allowed]
    if wanted:
        form = vault.open_json(registration.person_id, FORM_LABEL, registration.form_sealed)
        program = get_program(registration.program)
        by_index = {f.index: f.name for f in program.form.fields() if f.index is not None}
        for hit_field in wanted:
            name = by_index.get(FIELD_INDEX[hit_field])
            values[hit_field] = form.get(name) if name else None
    return values


def _registered_on(registration: Registration) -> str | None:
    moved: dt.datetime | None = (
        CaseTransition.objects.filter(registration=registration, to_state=CaseState.REGISTERED)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return timezone.localdate(moved).isoformat() if moved else None


@transaction.atomic
def record_departure(
    user: User, *, reference: str, registration_number: str, departed_on: dt.date, port: str
) -> Departure:
    """A port partner records that a registered person left: the normal departure
    workflow (registered → departed), done by the partner's account, with the
    partner's reference and the agreement's legal basis in the log. Recording the same
    departure again returns the first record (idempotent)."""
    agreement, version = admit(user, QueryType.DEPARTURE)
    number = registration_number.strip().upper()
    previous = (
        Departure.objects.filter(registration__case_number=number, recorded_by=user)
        .select_related("registration")
        .first()
    )
    if previous is not None and previous.departed_on == departed_on:
        return previous
    registration = find_by_registration_number(number)
    if registration is None:
        raise NotFound(_("No registered case has the number %(number)s.") % {"number": number})
    departure = casework.record_departure(user, registration, departed_on=departed_on, port=port)
    audit.record(
        actor=user,
        action=Action.CREATE,
        subject_id=registration.person_id,
        object_type="partner_departure",
        object_id=number,
        purpose=version.purpose,
        legal_basis=version.legal_basis,
        reference=reference[:200],
        detail={"agreement": agreement.reference, "organisation": agreement.organisation},
    )
    return departure
