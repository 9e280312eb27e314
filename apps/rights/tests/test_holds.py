"""Sam the supervisor holds back an entry of Amal's log for a law-enforcement reason:
she does not see it, in her log or in her export, until the hold ends; then it shows,
and she learns that a hold was in place."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEntry
from apps.registrations.models import Registration
from apps.rights import services
from apps.rights.models import DisclosureHold
from apps.rights.tests.conftest import post_json
from conftest import client_for

pytestmark = pytest.mark.django_db


def sheriff_read(olu: User, case: Registration, reference: str = "DSA-7 req 42") -> AuditEntry:
    client_for(olu).get(
        f"/api/v1/persons/{case.person_id}",
        {"purpose": "law-enforcement-request", "reference": reference},
    )
    return AuditEntry.objects.filter(action="read", actor_id=olu.pk).latest("id")


def export_entries(client: Client, case: Registration) -> tuple[set[int], list]:
    response = client.get(f"/my/rights/cases/{case.case_number}/data.json")
    data = json.loads(response.content)["sections"]["accounting"]["data"]
    return {e["entry"] for e in data["entries"]}, data["holds_that_ended"]


def test_a_held_entry_is_absent_until_the_hold_ends(
    amal_client: Client, amal_case: Registration, olu: User, sam_client: Client
) -> None:
    held = sheriff_read(olu, amal_case)
    ends_on = (timezone.localdate() + dt.timedelta(days=90)).isoformat()
    response = post_json(
        sam_client,
        "/api/v1/holds",
        {
            "case_number": amal_case.case_number,
            "entry_ids": [held.pk],
            "reason": "Ongoing inquiry under DSA-7; disclosure would alert the subject.",
            "ends_on": ends_on,
        },
    )
    assert response.status_code == 201, response.content
    assert services.hidden_entry_ids(amal_case.person_id) == {held.pk}

    page = amal_client.get("/my/access-log/").content.decode()
    assert "to answer a law-enforcement agency" not in page
    api = amal_client.get("/api/v1/me/access-log").json()
    assert all(e["purpose"] != "law-enforcement-request" for e in api)
    entries, ended = export_entries(amal_client, amal_case)
    assert held.pk not in entries
    assert ended == []

    # The hold's own entry is on the system chain and names no entry.
    logged = AuditEntry.objects.get(object_type="disclosure_hold", action="create")
    assert logged.subject_id is None
    assert set(logged.detail) == {"scope", "entries", "ends_on", "renewals"}
    assert logged.detail["entries"] == 1

    # Time passes: the end date is behind us (set in the database, as time would).
    DisclosureHold.objects.update(ends_at=timezone.now() - dt.timedelta(minutes=1))
    assert services.hidden_entry_ids(amal_case.person_id) == set()
    page = amal_client.get("/my/access-log/").content.decode()
    assert "to answer a law-enforcement agency" in page
    entries, ended = export_entries(amal_client, amal_case)
    assert held.pk in entries
    assert len(ended) == 1


def test_a_hold_by_reference_also_covers_later_entries(
    amal_case: Registration, olu: User, sam: User, amal_client: Client
) -> None:
    services.place_hold(
        sam,
        amal_case.person,
        reason="Court-sealed investigation, order 25-MJ-3.",
        ends_on=timezone.localdate() + dt.timedelta(days=30),
        reference="DSA-7 req 42",
    )
    later = sheriff_read(olu, amal_case)
    other = sheriff_read(olu, amal_case, reference="Order 9")
    hidden = services.hidden_entry_ids(amal_case.person_id)
    assert later.pk in hidden
    assert other.pk not in hidden
    purposes = [e["purpose"] for e in amal_client.get("/api/v1/me/access-log").json()]
    assert purposes.count("law-enforcement-request") == 1  # only the read under "Order 9"


@pytest.mark.parametrize(
    "terms",
    [
        ("Ongoing inquiry under DSA-7.", 366, "ends_on"),
        ("", 30, "reason"),
        ("short", 30, "reason"),
        ("Ongoing inquiry under DSA-7.", -1, "ends_on"),
    ],
)
def test_a_hold_too_long_or_without_a_reason_is_refused(
    amal_case: Registration, olu: User, sam_client: Client, terms: tuple[str, int, str]
) -> None:
    reason, days, field = terms
    held = sheriff_read(olu, amal_case)
    response = post_json(
        sam_client,
        "/api/v1/holds",
        {
            "case_number": amal_case.case_number,
            "entry_ids": [held.pk],
            "reason": reason,
            "ends_on": (timezone.localdate() + dt.timedelta(days=days)).isoformat(),
        },
    )
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]
    assert not DisclosureHold.objects.exists()
    assert not AuditEntry.objects.filter(object_type="disclosure_hold").exists()


def test_entries_of_someone_else_cannot_be_held(
    amal_case: Registration, sam: User, user_with_role, olu: User
) -> None:
    from apps.accounts.permissions import Role
    from apps.rights.tests.conftest import file_for
    from registry.errors import FormInvalid

    bilal_case = file_for(user_with_role(Role.REGISTRANT, "bilal"))
    bilals = sheriff_read(olu, bilal_case)
    with pytest.raises(FormInvalid):
        services.place_hold(
            sam,
            amal_case.person,
            reason="Ongoing inquiry under DSA-7.",
            ends_on=timezone.localdate() + dt.timedelta(days=30),
            entry_ids=[bilals.pk],
        )


def test_renewal_needs_a_new_reason_and_at_most_a_year(
    amal_case: Registration, olu: User, sam: User, sam_client: Client
) -> None:
    held = sheriff_read(olu, amal_case)
    hold = services.place_hold(
        sam,
        amal_case.person,
        reason="Ongoing inquiry under DSA-7.",
        ends_on=timezone.localdate() + dt.timedelta(days=300),
        entry_ids=[held.pk],
    )
    path = f"/api/v1/holds/{hold.pk}/renewal"
    in_a_year = (timezone.localdate() + dt.timedelta(days=365)).isoformat()
    same = post_json(sam_client, path, {"reason": hold.reason, "ends_on": in_a_year})
    assert same.status_code == 422
    too_long = (timezone.localdate() + dt.timedelta(days=366)).isoformat()
    assert (
        post_json(
            sam_client, path, {"reason": "New lead, still open.", "ends_on": too_long}
        ).status_code
        == 422
    )
    renewed = post_json(sam_client, path, {"reason": "New lead, still open.", "ends_on": in_a_year})
    assert renewed.status_code == 200, renewed.content
    assert renewed.json()["renewals"] == 1
    assert AuditEntry.objects.filter(object_type="disclosure_hold", action="update").count() == 1


def test_lifting_a_hold_shows_the_entries_and_is_logged_once(
    amal_case: Registration, olu: User, sam: User, sam_client: Client
) -> None:
    held = sheriff_read(olu, amal_case)
    hold = services.place_hold(
        sam,
        amal_case.person,
        reason="Ongoing inquiry under DSA-7.",
        ends_on=timezone.localdate() + dt.timedelta(days=30),
        entry_ids=[held.pk],
    )
    assert post_json(sam_client, f"/api/v1/holds/{hold.pk}/end", None).status_code == 200
    assert post_json(sam_client, f"/api/v1/holds/{hold.pk}/end", None).status_code == 200
    assert services.hidden_entry_ids(amal_case.person_id) == set()
    assert AuditEntry.objects.filter(object_type="disclosure_hold", action="decide").count() == 1


def test_the_sweep_records_expired_holds_once(
    amal_case: Registration, olu: User, sam: User
) -> None:
    held = sheriff_read(olu, amal_case)
    services.place_hold(
        sam,
        amal_case.person,
        reason="Ongoing inquiry under DSA-7.",
        ends_on=timezone.localdate(),
        entry_ids=[held.pk],
    )
    DisclosureHold.objects.update(ends_at=timezone.now() - dt.timedelta(seconds=1))
    assert services.end_expired_holds() == 1
    assert services.end_expired_holds() == 0
    entry = AuditEntry.objects.get(object_type="disclosure_hold", action="decide")
    assert entry.actor_role == "system"


def test_the_holds_page_places_a_hold(
    amal_case: Registration, olu: User, sam_client: Client
) -> None:
    held = sheriff_read(olu, amal_case)
    page = sam_client.get(f"/console/rights/holds/?case={amal_case.case_number}")
    assert page.status_code == 200
    assert f"<td>{held.pk}</td>" in page.content.decode()
    response = sam_client.post(
        "/console/rights/holds/",
        {
            "case_number": amal_case.case_number,
            "entry_ids": str(held.pk),
            "reason": "Ongoing inquiry under DSA-7.",
            "ends_on": (timezone.localdate() + dt.timedelta(days=400)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert "at most a year" in response.content.decode()
    response = sam_client.post(
        "/console/rights/holds/",
        {
            "case_number": amal_case.case_number,
            "entry_ids": str(held.pk),
            "reason": "Ongoing inquiry under DSA-7.",
            "ends_on": (timezone.localdate() + dt.timedelta(days=40)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert DisclosureHold.objects.get().entry_ids == [held.pk]
