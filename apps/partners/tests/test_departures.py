"""A port partner records a departure: the normal departure workflow, done by the
partner's account, idempotent on retry."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.registrations.models import CaseState, Departure, Registration

pytestmark = pytest.mark.django_db


def departure(registration: Registration, **changes: object) -> dict:
    body = {
        "reference": "NWK-EXIT-7",
        "registration_number": registration.case_number,
        "departed_on": timezone.localdate().isoformat(),
        "port": "Newark Liberty International Airport",
    }
    body.update(changes)
    return body


def test_the_port_records_a_departure(make_partner: Callable, amal_registered: Registration):
    port = make_partner("port-newark")
    first = port.post("departures", departure(amal_registered))
    assert first.status_code == 201, first.content
    again = port.post("departures", departure(amal_registered))
    assert again.status_code == 201
    amal_registered.refresh_from_db()
    assert amal_registered.state == CaseState.DEPARTED
    recorded = Departure.objects.get()
    assert recorded.recorded_by_role == "partner"
    entry = AuditEntry.objects.get(object_type="partner_departure")
    assert entry.reference == "NWK-EXIT-7"
    assert entry.legal_basis.startswith("8 U.S.C.")


def test_bad_departures_are_refused_and_write_nothing(
    make_partner: Callable, amal_registered: Registration
):
    port = make_partner("port-newark")
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    assert (
        port.post("departures", departure(amal_registered, departed_on=future)).status_code == 422
    )
    assert port.post("departures", departure(amal_registered, port="")).status_code == 422
    unknown = port.post(
        "departures", departure(amal_registered, registration_number="US25-0000-0000")
    )
    assert unknown.status_code == 404
    assert not Departure.objects.exists()


def test_a_partner_without_departures_in_its_agreement_cannot_record_one(
    make_partner: Callable, amal_registered: Registration
):
    court = make_partner("court-essex", query_types=["registration_number"])
    answer = court.post("departures", departure(amal_registered))
    assert answer.status_code == 403
    assert not Departure.objects.exists()
