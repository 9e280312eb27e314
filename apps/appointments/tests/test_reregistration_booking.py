"""Yusuf turns 14: his re-registration opens with a biometrics appointment at the office
of his first one, booked by the system; with no free place anywhere it opens without one."""

import datetime as dt

import pytest

from apps.accounts.models import User
from apps.appointments.models import Booking, BookingState, Office
from apps.registrations import casework
from apps.registrations.models import CaseState, Registration
from apps.registrations.reregistration import open_reregistrations
from conftest import CHILD_FORM

from .conftest import file_case

pytestmark = pytest.mark.django_db


def yusuf_seen_at(gabriela: User, olu: User, office: Office) -> Registration:
    case = file_case(gabriela, for_child=True, data=CHILD_FORM)
    casework.schedule_biometrics(olu, case, office_code=office.code, reason="booked")
    return case


def test_the_reregistration_opens_with_an_appointment(
    gabriela: User, olu: User, paterson: Office, newark: Office
) -> None:
    first = yusuf_seen_at(gabriela, olu, newark)
    due = first.person.reregistration_due_on
    assert due is not None

    run = open_reregistrations(due)

    case = Registration.objects.get(case_number=run.opened[0])
    assert case.state == CaseState.BIOMETRICS_SCHEDULED
    booking = Booking.objects.get(registration=case, state=BookingState.BOOKED)
    assert booking.slot.office == newark  # where the child was seen before
    assert booking.booked_by is None  # the system booked it
    moves = list(case.transitions.values_list("to_state", "actor_role"))
    assert moves == [("submitted", "system"), ("biometrics_scheduled", "system")]


def test_without_a_free_place_the_case_opens_to_be_booked_by_the_family(
    gabriela: User, olu: User
) -> None:
    office = Office.objects.create(code="CLO", name="Closed office", address="x", active=False)
    first = yusuf_seen_at(gabriela, olu, office)
    run = open_reregistrations(first.person.reregistration_due_on or dt.date.today())  # noqa: DTZ011
    case = Registration.objects.get(case_number=run.opened[0])
    assert case.state == CaseState.SUBMITTED
    assert not Booking.objects.filter(registration=case).exists()
