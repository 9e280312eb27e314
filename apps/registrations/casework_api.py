"""Registrant endpoints after filing: the same casework services as the pages."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field, StrictStr

from apps.accounts.models import User
from apps.accounts.permissions import Permission
from apps.registrations import casework
from apps.registrations.api import CaseOut
from apps.registrations.lookups import case_for
from apps.registrations.models import Registration

router = Router(tags=["casework"])


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class AddressIn(Strict):
    address: dict[str, Any]
    moved_on: dt.date


class AddressOut(Schema):
    moved_on: dt.date
    late: bool


class DepartureIn(Strict):
    departed_on: dt.date
    port: StrictStr = Field(min_length=1, max_length=100)


def _own_case(request: HttpRequest, case_number: str, permission: Permission) -> Registration:
    return case_for(request.user, permission, case_number)[1]


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - authorize() has checked it
    return request.user


@router.post("/registrations/{case_number}/address", response={201: AddressOut})
def report_address(request: HttpRequest, case_number: str, payload: AddressIn) -> Status:
    """address:own:report. Accepted even when late (then `late` is true)."""
    registration = _own_case(request, case_number, Permission.ADDRESS_REPORT_OWN)
    change = casework.report_address_change(
        _user(request), registration.person, address=payload.address, moved_on=payload.moved_on
    )
    return Status(201, AddressOut(moved_on=change.moved_on, late=change.late))


@router.post("/registrations/{case_number}/departure", response={201: CaseOut})
def record_departure(request: HttpRequest, case_number: str, payload: DepartureIn) -> Status:
    """departure:own:record. registered → departed; the retention clock starts."""
    registration = _own_case(request, case_number, Permission.DEPARTURE_RECORD_OWN)
    departure = casework.record_departure(
        _user(request), registration, departed_on=payload.departed_on, port=payload.port
    )
    return Status(201, CaseOut.model_validate(departure.registration, from_attributes=True))


@router.post("/registrations/{case_number}/evidence-response", response=CaseOut)
def respond_to_evidence_request(request: HttpRequest, case_number: str) -> CaseOut:
    """registration:own:read. evidence_requested → submitted."""
    registration = _own_case(request, case_number, Permission.REGISTRATION_READ_OWN)
    case = casework.respond_to_evidence_request(_user(request), registration)
    return CaseOut.model_validate(case, from_attributes=True)
