"""The partner API: look-ups that answer hit / no-hit, and departures from a port.

There is deliberately no list, export, search-by-name or wildcard endpoint: a partner
can only ask about one person it already has in front of it, and every request names
the partner's own case reference."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field, StringConstraints

from apps.partners import access, probes
from apps.partners.auth import PartnerToken, partner_client
from apps.partners.models import QueryType

router = Router(tags=["partners"], auth=PartnerToken())

Reference = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class RegistrationNumberQuery(Schema):
    reference: Reference = Field(description="The partner's own case reference.")
    registration_number: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=4, max_length=24)
    ]


class DocumentNumberQuery(Schema):
    reference: Reference
    document_number: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40)
    ]


class AnswerOut(Schema):
    hit: bool
    reference: str
    agreement: str
    fields: dict[str, Any]


class DepartureIn(Schema):
    reference: Reference
    registration_number: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=4, max_length=24)
    ]
    departed_on: dt.date
    port: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class DepartureOut(Schema):
    reference: str
    registration_number: str
    departed_on: dt.date


def _out(answer: access.Answer) -> dict[str, Any]:
    return {
        "hit": answer.hit,
        "reference": answer.reference,
        "agreement": answer.agreement,
        "fields": answer.fields,
    }


@router.post("/partner/queries/registration-number", response=AnswerOut)
def query_by_registration_number(
    request: HttpRequest, payload: RegistrationNumberQuery
) -> dict[str, Any]:
    user = partner_client(request)
    found = access.find_by_registration_number(payload.registration_number)
    return _out(
        access.answer(
            user, QueryType.REGISTRATION_NUMBER, reference=payload.reference, registration=found
        )
    )


@router.post("/partner/queries/document-number", response=AnswerOut)
def query_by_document_number(request: HttpRequest, payload: DocumentNumberQuery) -> dict[str, Any]:
    user = partner_client(request)
    found = access.find_by_document_number(payload.document_number)
    return _out(
        access.answer(
            user, QueryType.DOCUMENT_NUMBER, reference=payload.reference, registration=found
        )
    )


@router.post("/partner/queries/face", response=AnswerOut)
def query_by_face(
    request: HttpRequest, reference: Form[Reference], photo: File[UploadedFile]
) -> dict[str, Any]:
    """A face photograph (multipart/form-data: `reference`, `photo`), searched 1:N at the
    program's threshold; the photograph is never stored (see apps/partners/probes.py)."""
    user = partner_client(request)
    access.admit_type(user, QueryType.FACE_PROBE)  # refuse before looking at the photo
    found = probes.find_by_face(photo.read(probes.MAX_PROBE_BYTES + 1))
    return _out(access.answer(user, QueryType.FACE_PROBE, reference=reference, registration=found))


@router.post("/partner/departures", response={201: DepartureOut})
def record_departure(request: HttpRequest, payload: DepartureIn) -> Status:
    user = partner_client(request)
    departure = access.record_departure(
        user,
        reference=payload.reference,
        registration_number=payload.registration_number,
        departed_on=payload.departed_on,
        port=payload.port,
    )
    return Status(
        201,
        {
            "reference": payload.reference,
            "registration_number": departure.registration.case_number,
            "departed_on": departure.departed_on,
        },
    )
