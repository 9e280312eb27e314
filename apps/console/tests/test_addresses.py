"""Amal filed from Paterson, then moved twice: once to Trenton, reported in time, then
to Camden, reported 25 days after the move. Olu's case page lists both moves with the
late one marked and no address in it; the record, opened for a purpose, leads with
Camden as the current address and shows each move, the late one marked."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEntry
from apps.registrations import casework
from apps.registrations.models import AddressChange, Registration

pytestmark = pytest.mark.django_db

TRENTON = {"line1": "9 Oak Ave", "city": "Trenton", "region": "NJ", "country": "US"}
CAMDEN = {"line1": "4 Cooper St", "city": "Camden", "region": "NJ", "country": "US"}


def amal_moves(amal: User, case: Registration) -> None:
    today = timezone.localdate()
    casework.report_address_change(
        amal, case.person, address=TRENTON, moved_on=today - dt.timedelta(days=60)
    )
    # As if Amal had reported it 3 days after that move.
    AddressChange.objects.update(reported_at=timezone.now() - dt.timedelta(days=57), late=False)
    casework.report_address_change(
        amal, case.person, address=CAMDEN, moved_on=today - dt.timedelta(days=25)
    )


def rows(html: str, table: str) -> list[str]:
    body = html.split(f'id="{table}"')[1].split("</table>", maxsplit=1)[0]
    return re.findall(r'<tr[^>]* data-late="(true|false)"', body)


def test_the_case_page_lists_the_moves_late_ones_marked_without_addresses(
    olu_client: Client, amal: User, amal_case: Registration
) -> None:
    before = olu_client.get(f"/console/cases/{amal_case.case_number}/").content.decode()
    assert "No change of address reported since filing" in before

    amal_moves(amal, amal_case)
    html = olu_client.get(f"/console/cases/{amal_case.case_number}/").content.decode()
    assert rows(html, "address-changes") == ["true", "false"]  # newest first: Camden, late
    assert "25 days after the move" in html
    assert "3 days after the move" in html
    for place in ("Trenton", "Camden", "Oak Ave", "Cooper"):
        assert place not in html
    assert not AuditEntry.objects.filter(object_type="address", action="read").exists()


def test_the_record_leads_with_the_current_address_and_its_history(
    olu: User, olu_client: Client, amal: User, amal_case: Registration
) -> None:
    amal_moves(amal, amal_case)
    html = olu_client.post(
        f"/console/cases/{amal_case.case_number}/record/", {"purpose": "case-processing"}
    ).content.decode()

    current = html.split('id="current-address"')[1].split("</p>")[0]
    assert "4 Cooper St, Camden, NJ" in current
    assert "Paterson" not in current  # the filed address is history now
    history = html.split('id="address-history"')[1].split("</table>")[0]
    assert history.index("Camden") < history.index("Trenton")
    assert rows(html, "address-history") == ["true", "false"]
    assert "Late" in history
    # The filing's own address history is still there, as filed.
    assert "12 Elm Street" in html

    [read] = AuditEntry.objects.filter(object_type="address", action="read")
    assert (read.actor_id, read.purpose) == (olu.pk, "case-processing")


def test_without_moves_the_record_shows_the_address_given_at_filing(
    olu_client: Client, amal_case: Registration
) -> None:
    html = olu_client.post(
        f"/console/cases/{amal_case.case_number}/record/", {"purpose": "case-processing"}
    ).content.decode()
    current = html.split('id="current-address"')[1].split("</p>")[0]
    assert "12 Elm Street, Paterson, NJ, 07501" in current
    assert "as filed" in current
    assert "No change of address reported since filing." in html
    assert not AuditEntry.objects.filter(object_type="address").exists()  # nothing to read
