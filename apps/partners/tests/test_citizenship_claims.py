"""A record with an open citizenship claim is never disclosed: the partner gets no-hit,
and the attempt is logged for the privacy officer."""

from collections.abc import Callable

import pytest

from apps.accounts.models import User
from apps.audit.models import Action, AuditEntry
from apps.partners.models import Agreement
from apps.partners.queries import refusals
from apps.registrations.models import Registration
from apps.rights import services as rights

pytestmark = pytest.mark.django_db


def test_an_open_claim_makes_the_partner_see_no_hit(
    make_partner: Callable, amal: User, amal_registered: Registration
):
    court = make_partner("court-essex", "Essex County Court", fields=["family_name"])
    rights.record_claim(
        amal,
        amal_registered.person,
        statement="I was born in Newark; my birth certificate is attached at the office.",
        evidence=None,
        language="en",
    )
    answer = court.ask(amal_registered.case_number, reference="ESX-77")
    assert answer.json() == {
        "hit": False,
        "reference": "ESX-77",
        "agreement": "court-essex",
        "fields": {},
    }
    assert not AuditEntry.objects.filter(action=Action.DISCLOSE).exists()
    refused = refusals(Agreement.objects.get(reference="court-essex"))
    assert [(e.object_id, e.reference) for e in refused] == [
        (amal_registered.case_number, "ESX-77")
    ]
    assert refused[0].detail["reason"] == "citizenship_claim_open"
