"""Biometrics endpoints: capture and 1:1 checks (multipart), the adjudication queue and
decisions (JSON), and the index status. Thin: parse, authorize, call one service."""

import base64

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from apps.accounts.permissions import Permission
from apps.accounts.policies import authorize
from apps.biometrics import access, dedup, services, verification
from apps.biometrics.forms import parse_capture, parse_verify
from apps.biometrics.models import Candidate, Enrolment, IndexStatus
from apps.registrations.access import StatedPurpose
from apps.registrations.lookups import case_for

router = Router(tags=["biometrics"])


class EnrolmentOut(Schema):
    enrolment: int
    case_number: str
    state: str
    face: bool
    fingers: list[int]
    exceptions: dict[str, str]


class VerificationOut(Schema):
    matched: bool
    face_distance: float | None
    face_match: bool | None
    finger_position: int | None
    finger_score: int | None
    finger_match: bool | None


class CandidateOut(Schema):
    id: int
    state: str
    case_number: str
    matches_case_number: str
    face_distance: float | None
    finger_scores: list[list[int]]


class SideOut(Schema):
    case_number: str
    portrait_jpeg_base64: str | None
    finger_positions: list[int]
    exceptions: dict[str, str]


class OpenIn(Schema):
    purpose: str
    reference: str = ""


class DecisionIn(Schema):
    same_person: bool
    reason: str


class ReviewIn(Schema):
    confirm: bool
    reason: str


class IndexOut(Schema):
    name: str
    entries: int
    rebuilding: bool
    rebuild_done: int
    rebuild_total: int


def _enrolment_out(enrolment: Enrolment) -> EnrolmentOut:
    fingers = list(enrolment.fingers.all())
    return EnrolmentOut(
        enrolment=enrolment.pk,
        case_number=enrolment.registration.case_number or "",
        state=enrolment.state,
        face=enrolment.face_sealed is not None,
        fingers=[f.position for f in fingers if not f.exception],
        exceptions={str(f.position): f.exception for f in fingers if f.exception},
    )


def _candidate_out(c: Candidate) -> CandidateOut:
    return CandidateOut(
        id=c.pk,
        state=c.state,
        case_number=c.probe.registration.case_number or "",
        matches_case_number=c.match.registration.case_number or "",
        face_distance=c.face_distance,
        finger_scores=c.finger_scores,
    )


def _candidate(pk: int) -> Candidate:
    return get_object_or_404(
        Candidate.objects.select_related(
            "probe__registration", "probe__person", "match__registration", "match__person"
        ),
        pk=pk,
    )


@router.post("/biometrics/cases/{case_number}/capture", response={201: EnrolmentOut})
def capture(request: HttpRequest, case_number: str) -> tuple[int, EnrolmentOut]:
    """multipart/form-data: `photo`, `finger_1`..`finger_10` (PNG or JPEG, 500 dpi)
    and `exception_<n>` (missing, injured, unreadable) for a finger with no print."""
    user, registration = case_for(request.user, Permission.BIOMETRICS_CAPTURE, case_number)
    data = parse_capture(request.POST, request.FILES)
    enrolment = services.capture(user, registration, data)
    enrolment.refresh_from_db()
    return 201, _enrolment_out(enrolment)


@router.post("/biometrics/cases/{case_number}/verify", response=VerificationOut)
def verify(request: HttpRequest, case_number: str) -> VerificationOut:
    """multipart/form-data: `photo` and/or `finger` with `finger_position` (1-10)."""
    user, registration = case_for(request.user, Permission.BIOMETRICS_VERIFY, case_number)
    photo, finger = parse_verify(request.POST, request.FILES)
    result = verification.verify(user, registration, photo=photo, finger=finger)
    return VerificationOut(matched=result.matched, **result.__dict__)


@router.get("/biometrics/candidates", response=list[CandidateOut])
def list_candidates(request: HttpRequest) -> list[CandidateOut]:
    """Candidates waiting for an officer or a supervisor (no personal data)."""
    authorize(request.user, Permission.BIOMETRICS_ADJUDICATE)
    waiting = Candidate.objects.filter(state__in=Candidate.UNRESOLVED).select_related(
        "probe__registration", "match__registration"
    )
    return [_candidate_out(c) for c in waiting[:200]]


@router.post("/biometrics/candidates/{pk}/open", response=list[SideOut])
def open_pair(request: HttpRequest, pk: int, payload: OpenIn) -> list[SideOut]:
    """Both records of the pair for a stated purpose (logged on both)."""
    user = authorize(request.user, Permission.BIOMETRICS_ADJUDICATE)
    sides = access.open_for_adjudication(
        user, _candidate(pk), StatedPurpose(payload.purpose, payload.reference)
    )
    return [
        SideOut(
            case_number=side.case_number,
            portrait_jpeg_base64=base64.b64encode(side.portrait).decode()
            if side.portrait
            else None,
            finger_positions=side.positions,
            exceptions={str(p): code for p, code in side.exceptions.items()},
        )
        for side in sides
    ]


@router.post("/biometrics/candidates/{pk}/decision", response=CandidateOut)
def decide(request: HttpRequest, pk: int, payload: DecisionIn) -> CandidateOut:
    user = authorize(request.user, Permission.BIOMETRICS_ADJUDICATE)
    pair = dedup.decide(
        user, _candidate(pk), same_person=payload.same_person, reason=payload.reason
    )
    return _candidate_out(_candidate(pair.pk))


@router.post("/biometrics/candidates/{pk}/review", response=CandidateOut)
def review(request: HttpRequest, pk: int, payload: ReviewIn) -> CandidateOut:
    user = authorize(request.user, Permission.BIOMETRICS_REVIEW)
    pair = dedup.review(user, _candidate(pk), confirm=payload.confirm, reason=payload.reason)
    return _candidate_out(_candidate(pair.pk))


@router.get("/biometrics/index", response=list[IndexOut])
def index_status(request: HttpRequest) -> list[IndexOut]:
    authorize(request.user, Permission.BIOMETRICS_INDEX_MANAGE)
    rows = {row.name: row for row in IndexStatus.objects.all()}
    out = []
    for name in ("face", "fingers"):
        row = rows.get(name) or IndexStatus(name=name)
        out.append(
            IndexOut(
                name=name,
                entries=row.entries,
                rebuilding=row.rebuilding,
                rebuild_done=row.rebuild_done,
                rebuild_total=row.rebuild_total,
            )
        )
    return out
