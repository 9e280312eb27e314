"""Sam the supervisor hands Amal's case to Olu, then to Oscar, then back to the shared
queue; each hand-over is logged. Olu cannot hand out cases himself."""

from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.accounts.permissions import Role
from apps.audit.models import AuditEntry
from apps.registrations.models import Registration
from conftest import make_user

pytestmark = pytest.mark.django_db


def assign(client: Client, registration: Registration, officer: User | None) -> Any:
    return client.post(
        f"/console/cases/{registration.case_number}/assignment/",
        {"officer": officer.pk if officer else ""},
    )


def assignee(registration: Registration) -> int | None:
    registration.refresh_from_db()
    return registration.assigned_to_id


def test_sam_assigns_and_reassigns_amals_case(
    sam_client: Client, olu: User, olu_client: Client, amal_case: Registration
) -> None:
    oscar = make_user(Role.OFFICER, "oscar")

    assert assign(sam_client, amal_case, olu).status_code == 302
    assert assignee(amal_case) == olu.pk
    mine = olu_client.get("/console/", {"assigned": "me", "office": "NWK"}).content.decode()
    assert amal_case.case_number in mine

    assert assign(sam_client, amal_case, oscar).status_code == 302
    assert assignee(amal_case) == oscar.pk
    page = sam_client.get(f"/console/cases/{amal_case.case_number}/").content.decode()
    assert "oscar@example.org" in page

    assert assign(sam_client, amal_case, None).status_code == 302
    assert assignee(amal_case) is None

    handovers = AuditEntry.objects.filter(
        subject_id=amal_case.person_id, action="update", object_id=amal_case.case_number
    ).order_by("id")
    assert [e.detail["assigned_to"] for e in handovers] == [olu.pk, oscar.pk, None]
    assert {e.actor_role for e in handovers} == {"supervisor"}


def test_cases_go_to_officers_only_and_registrants_are_not_listed(
    sam_client: Client, amal: User, amal_case: Registration, olu: User
) -> None:
    page = sam_client.get(f"/console/cases/{amal_case.case_number}/").content.decode()
    form = page[page.index('id="assignment"') :]
    assert "olu@example.org" in form
    assert "amal@example.org" not in form  # a registrant's address is personal data

    refused = assign(sam_client, amal_case, amal)
    assert refused.status_code == 400
    assert assignee(amal_case) is None


def test_olu_cannot_hand_out_cases(olu: User, olu_client: Client, amal_case: Registration) -> None:
    page = olu_client.get(f"/console/cases/{amal_case.case_number}/").content.decode()
    assert 'id="assignment"' not in page
    assert assign(olu_client, amal_case, olu).status_code == 403
    assert assignee(amal_case) is None
