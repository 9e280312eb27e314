"""Registration endpoints: thin wrappers over the same services as the pages."""

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from ninja import Header, Router, Schema, Status
from pydantic import ConfigDict, Field, StrictBool, StrictStr

from apps.accounts.permissions import Permission
from apps.accounts.policies import authorize
from apps.programs.eligibility import EligibilityAnswers
from apps.programs.loader import get_program
from apps.registrations import access, services
from apps.registrations.lookups import case_for
from apps.registrations.models import Person, Registration
from registry.errors import FormInvalid

router = Router(tags=["registrations"])
ProgramSlug = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class EligibilityIn(Strict):
    program: str | None = ProgramSlug
    language: str = Field(default="en", pattern="^(en|es)$")
    is_citizen: StrictBool
    birth_date: dt.date
    arrival_date: dt.date | None = None
    documents: list[StrictStr] = Field(default_factory=list, max_length=50)
    exemption: StrictStr | None = Field(default=None, max_length=64)
    nationality: StrictStr | None = Field(default=None, max_length=2)


class EligibilityOut(Schema):
    outcome: str
    deadline: dt.date | None
    document: str | None
    exemption: str | None
    message: str
    notice: str
    notice_version: str
    notice_language: str


class DraftIn(Strict):
    program: str | None = ProgramSlug
    for_child: StrictBool = False
    language: str = Field(default="en", pattern="^(en|es)$")


class DraftDataIn(Strict):
    data: dict[str, Any]


class FileIn(Strict):
    program: str | None = ProgramSlug
    for_child: StrictBool = False
    language: str = Field(default="en", pattern="^(en|es)$")
    data: dict[str, Any]


class CaseOut(Schema):
    id: uuid.UUID
    case_number: str | None
    state: str
    program: str
    for_child: bool
    created_at: dt.datetime
    submitted_at: dt.datetime | None


class TransitionOut(Schema):
    from_state: str
    to_state: str
    actor_role: str
    reason: str
    at: dt.datetime


class CaseDetailOut(CaseOut):
    transitions: list[TransitionOut]


class DraftOut(CaseOut):
    data: dict[str, Any]


class AccessEntryOut(Schema):
    # The entry's id: ask GET /api/v1/audit/entries/{id}/inclusion for the proof that
    # this entry is in the signed log.
    id: int
    at: dt.datetime
    actor_role: str
    actor_id: int | None
    action: str
    object_type: str
    object_id: str
    purpose: str
    legal_basis: str


class PersonReadOut(Schema):
    person: uuid.UUID
    registrations: list[dict[str, Any]]


class EraseIn(Strict):
    reason: StrictStr = Field(min_length=3, max_length=64)


def _case(registration: Registration) -> CaseOut:
    return CaseOut.model_validate(registration, from_attributes=True)


def _own_registration(request: HttpRequest, registration_id: uuid.UUID) -> Registration:
    registration = get_object_or_404(
        Registration.objects.select_related("person"), pk=registration_id
    )
    authorize(request.user, Permission.REGISTRATION_READ_OWN, registration)
    return registration


@router.get("/programs/{slug}", auth=None)
def program_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Public: a program's file as data (questions, documents, form, notice)."""
    return get_program(slug).model_dump(mode="json")


@router.post("/eligibility", response=EligibilityOut)
def check_eligibility(request: HttpRequest, payload: EligibilityIn) -> EligibilityOut:
    """eligibility:own:check. Answers are not stored; the notice showing is."""
    user = authorize(request.user, Permission.ELIGIBILITY_CHECK)
    program = get_program(payload.program or settings.REGISTRY_DEFAULT_PROGRAM)
    unknown = [code for code in payload.documents if program.document(code) is None]
    if unknown:
        raise FormInvalid(
            "Unknown document codes; use the codes in GET /programs/{slug}.",
            fields={"documents": [f"unknown: {', '.join(unknown)}"]},
        )
    if payload.exemption and program.exemption(payload.exemption) is None:
        raise FormInvalid("Unknown exemption code.", fields={"exemption": ["unknown code"]})
    answers = EligibilityAnswers(
        is_citizen=payload.is_citizen,
        birth_date=payload.birth_date,
        arrival_date=payload.arrival_date,
        documents=tuple(payload.documents),
        exemption=payload.exemption,
        nationality=payload.nationality.upper() if payload.nationality else None,
    )
    outcome, shown = services.check_eligibility(user, program, answers, payload.language)
    return EligibilityOut(
        outcome=str(outcome.kind),
        deadline=outcome.deadline,
        document=outcome.document_code,
        exemption=outcome.exemption_code,
        message=outcome.message(program, shown.language),
        notice=program.notice.text[shown.language],
        notice_version=shown.notice_version,
        notice_language=shown.language,
    )


@router.post("/drafts", response={201: CaseOut})
def start_draft(request: HttpRequest, payload: DraftIn) -> Status:
    """registration:own:file, or registration:child:file with for_child."""
    permission = (
        Permission.REGISTRATION_FILE_CHILD
        if payload.for_child
        else Permission.REGISTRATION_FILE_OWN
    )
    user = authorize(request.user, permission)
    registration = services.start_draft(
        user,
        program_slug=payload.program or settings.REGISTRY_DEFAULT_PROGRAM,
        for_child=payload.for_child,
        language=payload.language,
    )
    return Status(201, _case(registration))


@router.get("/drafts/{registration_id}", response=DraftOut)
def read_draft(request: HttpRequest, registration_id: uuid.UUID) -> DraftOut:
    """registration:own:read. The read is logged as self-access."""
    registration = _own_registration(request, registration_id)
    data = access.read_own_form(request.user, registration)  # type: ignore[arg-type]
    return DraftOut(**_case(registration).model_dump(), data=data)


@router.put("/drafts/{registration_id}", response=CaseOut)
def save_draft(request: HttpRequest, registration_id: uuid.UUID, payload: DraftDataIn) -> CaseOut:
    """registration:own:read (owner). Replaces the draft's answers; 422 writes nothing."""
    registration = _own_registration(request, registration_id)
    return _case(services.save_draft(request.user, registration, payload.data))  # type: ignore[arg-type]


@router.post("/drafts/{registration_id}/submit", response=CaseOut)
def submit_draft(request: HttpRequest, registration_id: uuid.UUID) -> CaseOut:
    """registration:own:read (owner). Idempotent: a repeat returns the same case."""
    registration = _own_registration(request, registration_id)
    permission = (
        Permission.REGISTRATION_FILE_CHILD
        if registration.for_child
        else Permission.REGISTRATION_FILE_OWN
    )
    user = authorize(request.user, permission)
    return _case(services.submit(user, registration))


@router.post("/registrations", response={200: CaseOut, 201: CaseOut})
def file_registration(
    request: HttpRequest,
    payload: FileIn,
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key", max_length=128),
) -> Status:
    """registration:own:file (or :child:file). One-step filing; with an
    Idempotency-Key header a retry returns the first result with 200."""
    permission = (
        Permission.REGISTRATION_FILE_CHILD
        if payload.for_child
        else Permission.REGISTRATION_FILE_OWN
    )
    user = authorize(request.user, permission)
    registration, created = services.file_registration(
        user,
        program_slug=payload.program or settings.REGISTRY_DEFAULT_PROGRAM,
        for_child=payload.for_child,
        data=payload.data,
        language=payload.language or get_language() or "en",
        idempotency_key=idempotency_key,
    )
    return Status(201 if created else 200, _case(registration))


@router.get("/registrations", response=list[CaseOut])
def my_registrations(request: HttpRequest) -> list[CaseOut]:
    """registration:own:read. The cases and drafts the user filed."""
    user = authorize(request.user, Permission.REGISTRATION_READ_OWN)
    return [_case(r) for r in Registration.objects.filter(filed_by=user).order_by("-created_at")]


@router.get("/registrations/{case_number}", response=CaseDetailOut)
def case_detail(request: HttpRequest, case_number: str) -> CaseDetailOut:
    """registration:own:read. State and every transition of one case."""
    _, registration = case_for(request.user, Permission.REGISTRATION_READ_OWN, case_number)
    transitions = [
        TransitionOut.model_validate(t, from_attributes=True)
        for t in registration.transitions.all()
    ]
    return CaseDetailOut(**_case(registration).model_dump(), transitions=transitions)


@router.get("/me/access-log", response=list[AccessEntryOut])
def my_access_log(request: HttpRequest) -> list[AccessEntryOut]:
    """audit:own:read. Who read or changed my record (and my children's), and why."""
    user = authorize(request.user, Permission.ACCESS_LOG_READ_OWN)
    return [
        AccessEntryOut.model_validate(e, from_attributes=True)
        for e in access.access_log_for(user)[:1000]
    ]


@router.get("/persons/{person_id}", response=PersonReadOut)
def read_person(
    request: HttpRequest, person_id: uuid.UUID, purpose: str, reference: str = ""
) -> PersonReadOut:
    """person:any:read. Staff read a record for a purpose the program allows; logged."""
    user = authorize(request.user, Permission.PERSON_READ_ANY)
    person = get_object_or_404(Person, pk=person_id)
    records = access.read_person(user, person, access.StatedPurpose(purpose, reference))
    return PersonReadOut(person=person.id, registrations=records)


@router.post("/persons/{person_id}/erase", response={200: dict[str, bool]})
def erase_person(
    request: HttpRequest, person_id: uuid.UUID, payload: EraseIn
) -> HttpResponse | dict[str, bool]:
    """vault:key:destroy. Crypto-shreds the person; idempotent."""
    user = authorize(request.user, Permission.PERSON_KEY_DESTROY)
    person = get_object_or_404(Person, pk=person_id)
    return {"erased": access.erase_person(user, person.id, reason=payload.reason)}
