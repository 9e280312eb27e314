"""The person's rights over the API: subject access, corrections, complaints,
citizenship claims, and the staff decisions and holds. Thin wrappers over the same
services as the pages; errors map to HTTP in registry/api.py."""

import base64
import binascii
import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field, StrictBool, StrictStr

from apps.accounts.permissions import Permission
from apps.accounts.policies import authorize
from apps.console.queries import case_or_404
from apps.registrations.access import persons_of
from apps.registrations.lookups import case_for
from apps.rights import access, queries, redress, services
from apps.rights.evidence import MAX_EVIDENCE_BYTES, Evidence, check_evidence
from apps.rights.models import CitizenshipClaim, Complaint, CorrectionRequest, DisclosureHold
from registry.errors import FormInvalid

router = Router(tags=["rights"])
EVIDENCE_CHARS = (MAX_EVIDENCE_BYTES * 4) // 3 + 8


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class CorrectionIn(Strict):
    case_number: StrictStr = Field(max_length=24)
    field_name: StrictStr = Field(max_length=64)
    proposed_value: Any = None
    explanation: StrictStr = Field(default="", max_length=4000)
    evidence_base64: StrictStr | None = Field(default=None, max_length=EVIDENCE_CHARS)


class ComplaintIn(Strict):
    case_number: StrictStr = Field(max_length=24)
    text: StrictStr = Field(max_length=4000)
    evidence_base64: StrictStr | None = Field(default=None, max_length=EVIDENCE_CHARS)


class ClaimIn(Strict):
    statement: StrictStr = Field(max_length=4000)
    evidence_base64: StrictStr | None = Field(default=None, max_length=EVIDENCE_CHARS)


class OwnClaimIn(ClaimIn):
    case_number: StrictStr = Field(max_length=24)


class DecisionIn(Strict):
    outcome: StrictStr = Field(max_length=16)
    reason_code: StrictStr = Field(max_length=48)
    corrected_value: Any = None
    note: StrictStr = Field(default="", max_length=4000)


class ResolveIn(Strict):
    confirmed: StrictBool
    reason_code: StrictStr = Field(default="", max_length=48)


class HoldIn(Strict):
    case_number: StrictStr = Field(max_length=24)
    entry_ids: list[int] = Field(default_factory=list, max_length=1000)
    reference: StrictStr = Field(default="", max_length=200)
    reason: StrictStr = Field(default="", max_length=500)
    ends_on: dt.date | None = None


class RenewIn(Strict):
    reason: StrictStr = Field(default="", max_length=500)
    ends_on: dt.date | None = None


class RequestOut(Schema):
    id: uuid.UUID
    kind: str
    case_number: str | None
    field_name: str = ""
    filed_at: dt.datetime
    due_on: dt.date
    state: str
    escalated: bool
    outcome: str
    reason_code: str
    reason: str


class ClaimOut(Schema):
    id: uuid.UUID
    state: str
    recorded_at: dt.datetime
    recorded_by_role: str
    reason_code: str
    reason: str


class HoldOut(Schema):
    id: int
    scope: str
    entries: int | None
    reference: str
    ends_at: dt.datetime
    renewals: int
    ended_at: dt.datetime | None


def _evidence(encoded: str | None) -> Evidence | None:
    if not encoded:
        return None
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise FormInvalid(
            "evidence_base64 is not base64.", fields={"evidence_base64": ["not base64"]}
        ) from None
    return check_evidence(content, "evidence_base64")


def _request_out(item: CorrectionRequest | Complaint) -> RequestOut:
    from apps.rights.reasons import redress_reason

    return RequestOut(
        id=item.pk,
        kind="correction" if isinstance(item, CorrectionRequest) else "complaint",
        case_number=item.registration.case_number if item.registration else None,
        field_name=getattr(item, "field_name", ""),
        filed_at=item.filed_at,
        due_on=item.due_on,
        state=item.state,
        escalated=item.escalated_at is not None,
        outcome=item.outcome,
        reason_code=item.reason_code,
        reason=redress_reason(item.reason_code) if item.reason_code else "",
    )


def _claim_out(claim: CitizenshipClaim) -> ClaimOut:
    from apps.rights.reasons import claim_reason

    return ClaimOut(
        id=claim.pk,
        state=claim.state,
        recorded_at=claim.recorded_at,
        recorded_by_role=claim.recorded_by_role,
        reason_code=claim.reason_code,
        reason=claim_reason(claim.reason_code) if claim.reason_code else "",
    )


def _hold_out(hold: DisclosureHold) -> HoldOut:
    return HoldOut(
        id=hold.pk,
        scope=hold.scope,
        entries=len(hold.entry_ids) if hold.scope == DisclosureHold.Scope.ENTRIES else None,
        reference=hold.reference,
        ends_at=hold.ends_at,
        renewals=hold.renewals,
        ended_at=hold.ended_at,
    )


@router.get("/me/subject-access/{case_number}", response=dict[str, Any])
def subject_access(request: HttpRequest, case_number: str) -> dict[str, Any]:
    """subject:own:export. Everything held about the person of this case, decrypted,
    with the accounting of disclosures; logged as EXPORT subject_access."""
    user, registration = case_for(request.user, Permission.SUBJECT_ACCESS_OWN, case_number)
    return access.export_subject_access(user, registration.person, fmt="json")


@router.get("/me/requests", response=dict[str, list[dict[str, Any]]])
def my_requests(request: HttpRequest) -> dict[str, list[dict[str, Any]]]:
    """subject:own:export. My corrections, complaints and claims with their outcomes
    and reasons in my language."""
    user = authorize(request.user, Permission.SUBJECT_ACCESS_OWN)
    found = queries.requests_of(list(persons_of(user).values_list("id", flat=True)))
    return {
        "corrections": [
            _request_out(r["item"]).model_dump(mode="json") for r in found["corrections"]
        ],
        "complaints": [
            _request_out(r["item"]).model_dump(mode="json") for r in found["complaints"]
        ],
        "citizenship_claims": [
            _claim_out(r["item"]).model_dump(mode="json") for r in found["claims"]
        ],
    }


@router.post("/corrections", response={201: RequestOut})
def request_correction(request: HttpRequest, payload: CorrectionIn) -> Status:
    """correction:own:request. Ask for one field of a filed form to be corrected."""
    user, registration = case_for(
        request.user, Permission.CORRECTION_REQUEST_OWN, payload.case_number
    )
    item = redress.request_correction(
        user,
        registration,
        field_name=payload.field_name,
        proposed_value=payload.proposed_value,
        explanation=payload.explanation,
        evidence=_evidence(payload.evidence_base64),
        language=get_language() or "en",
    )
    return Status(201, _request_out(item))


@router.post("/complaints", response={201: RequestOut})
def file_complaint(request: HttpRequest, payload: ComplaintIn) -> Status:
    """complaint:own:file. Complain about how a record or case was handled."""
    user, registration = case_for(request.user, Permission.COMPLAINT_FILE_OWN, payload.case_number)
    item = redress.file_complaint(
        user,
        registration,
        text=payload.text,
        evidence=_evidence(payload.evidence_base64),
        language=get_language() or "en",
    )
    return Status(201, _request_out(item))


@router.get("/redress/corrections", response=list[RequestOut])
def open_corrections(request: HttpRequest) -> list[RequestOut]:
    """correction:any:decide. Open correction requests, nearest deadline first."""
    authorize(request.user, Permission.CORRECTION_DECIDE)
    return [_request_out(c) for c in queries.open_corrections()[:500]]


@router.get("/redress/complaints", response=list[RequestOut])
def open_complaints(request: HttpRequest) -> list[RequestOut]:
    """complaint:any:decide. Open complaints, nearest deadline first."""
    authorize(request.user, Permission.COMPLAINT_DECIDE)
    return [_request_out(c) for c in queries.open_complaints()[:500]]


@router.get("/redress/escalated", response=list[RequestOut])
def escalated(request: HttpRequest) -> list[RequestOut]:
    """redress:escalated:read. Open requests escalated after their deadline."""
    authorize(request.user, Permission.REDRESS_ESCALATED_READ)
    return [_request_out(i) for i in queries.escalated()]


@router.post("/corrections/{item_id}/decision", response=RequestOut)
def decide_correction(request: HttpRequest, item_id: uuid.UUID, payload: DecisionIn) -> RequestOut:
    """correction:any:decide. accepted / partly (with corrected_value) / refused."""
    user = authorize(request.user, Permission.CORRECTION_DECIDE)
    item = get_object_or_404(CorrectionRequest.objects.select_related("person"), pk=item_id)
    decided = redress.decide_correction(
        user,
        item,
        outcome=payload.outcome,
        reason_code=payload.reason_code,
        corrected_value=payload.corrected_value,
        note=payload.note,
    )
    return _request_out(decided)


@router.post("/complaints/{item_id}/decision", response=RequestOut)
def decide_complaint(request: HttpRequest, item_id: uuid.UUID, payload: DecisionIn) -> RequestOut:
    """complaint:any:decide. Upheld (accepted / partly) or not (refused)."""
    user = authorize(request.user, Permission.COMPLAINT_DECIDE)
    item = get_object_or_404(Complaint.objects.select_related("person"), pk=item_id)
    decided = redress.decide_complaint(
        user, item, outcome=payload.outcome, reason_code=payload.reason_code, note=payload.note
    )
    return _request_out(decided)


@router.post("/citizenship-claims", response={201: ClaimOut})
def claim_citizenship(request: HttpRequest, payload: OwnClaimIn) -> Status:
    """citizenship:own:claim. The person records a claim of citizenship."""
    user, registration = case_for(
        request.user, Permission.CITIZENSHIP_CLAIM_OWN, payload.case_number
    )
    claim = services.record_claim(
        user,
        registration.person,
        statement=payload.statement,
        evidence=_evidence(payload.evidence_base64),
        language=get_language() or "en",
    )
    return Status(201, _claim_out(claim))


@router.post("/cases/{case_number}/citizenship-claims", response={201: ClaimOut})
def record_claim(request: HttpRequest, case_number: str, payload: ClaimIn) -> Status:
    """citizenship:any:record. An officer records a claim the person made to them."""
    user = authorize(request.user, Permission.CITIZENSHIP_CLAIM_RECORD)
    registration = case_or_404(case_number)
    claim = services.record_claim(
        user,
        registration.person,
        statement=payload.statement,
        evidence=_evidence(payload.evidence_base64),
        language=registration.language,
    )
    return Status(201, _claim_out(claim))


@router.post("/citizenship-claims/{claim_id}/resolution", response=ClaimOut)
def resolve_claim(request: HttpRequest, claim_id: uuid.UUID, payload: ResolveIn) -> ClaimOut:
    """citizenship:any:resolve. Confirmed: the record is expunged; not confirmed:
    closed with a reason the person reads."""
    user = authorize(request.user, Permission.CITIZENSHIP_CLAIM_RESOLVE)
    claim = get_object_or_404(CitizenshipClaim, pk=claim_id)
    resolved = services.resolve_claim(
        user, claim, confirmed=payload.confirmed, reason_code=payload.reason_code
    )
    return _claim_out(resolved)


@router.post("/holds", response={201: HoldOut})
def place_hold(request: HttpRequest, payload: HoldIn) -> Status:
    """audit:hold:place. Hold back entries of a person's log from them, with a reason,
    until a date at most a year away."""
    user = authorize(request.user, Permission.DISCLOSURE_HOLD_PLACE)
    registration = case_or_404(payload.case_number)
    hold = services.place_hold(
        user,
        registration.person,
        reason=payload.reason,
        ends_on=payload.ends_on,
        entry_ids=payload.entry_ids,
        reference=payload.reference,
    )
    return Status(201, _hold_out(hold))


@router.post("/holds/{hold_id}/renewal", response=HoldOut)
def renew_hold(request: HttpRequest, hold_id: int, payload: RenewIn) -> HoldOut:
    """audit:hold:place. A new end (at most a year from today) with a new reason."""
    user = authorize(request.user, Permission.DISCLOSURE_HOLD_PLACE)
    hold = get_object_or_404(DisclosureHold, pk=hold_id)
    return _hold_out(
        services.renew_hold(user, hold, reason=payload.reason, ends_on=payload.ends_on)
    )


@router.post("/holds/{hold_id}/end", response=HoldOut)
def end_hold(request: HttpRequest, hold_id: int) -> HoldOut:
    """audit:hold:place. Lift the hold now; idempotent."""
    user = authorize(request.user, Permission.DISCLOSURE_HOLD_PLACE)
    hold = get_object_or_404(DisclosureHold, pk=hold_id)
    services.end_hold(user, hold)
    hold.refresh_from_db()
    return _hold_out(hold)
