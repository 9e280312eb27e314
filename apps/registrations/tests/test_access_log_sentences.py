"""Amal reads who has seen her record as plain sentences in her language: what she did
herself ("You opened your form"), what the Newark office did and why ("An officer at
the NWK office opened your case to process your registration"), and no account
numbers or codes. Opening her form seven times in one visit is one line."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone, translation

from apps.accounts.models import User
from apps.audit.models import AuditEntry
from apps.console import services as console
from apps.registrations import access, access_sentences, casework, services
from apps.registrations.access import StatedPurpose
from apps.registrations.models import Registration
from conftest import VALID_FORM

pytestmark = pytest.mark.django_db

CODES = ("self-access", "self-filing", "self-reporting", "case-processing", "case-notes",
         "biometrics_scheduled", "system:", "Registrant #")  # fmt: skip


def filed_at_newark(amal: User) -> Registration:
    case, _ = services.file_registration(
        amal, program_slug="us-2025", for_child=False, data=VALID_FORM, language="es",
        idempotency_key=None,
    )  # fmt: skip
    case.office_code = "NWK"
    case.save(update_fields=["office_code"])
    return case


def log_rows(client: Client, language: str = "en") -> list[str]:
    html = client.get("/my/access-log/", headers={"Accept-Language": language}).content.decode()
    rows = re.findall(r'<td class="sentence">(.*?)</td>', html, re.S)
    return [re.sub(r"<[^>]+>", " ", row).split("  ")[0].strip() for row in rows]


def test_amal_reads_her_log_as_sentences(amal: User, amal_client: Client, olu: User) -> None:
    case = filed_at_newark(amal)
    for _ in range(7):  # one visit: she looks at her answers again and again
        access.read_own_form(amal, case)
    casework.schedule_biometrics(olu, case, office_code="NWK", reason="system:appointment-booked")
    casework.record_interview(olu, case, notes="Passport checked.", document_checked=True)
    console.open_case(olu, case, StatedPurpose("case-processing"))

    rows = log_rows(amal_client)
    assert rows[0] == (
        "An officer at the NWK office opened your case and the officers&#x27; notes on your "
        "case to process your registration."
    )
    assert rows[1] == (
        "An officer at the NWK office recorded your appointment: your identity document "
        "was checked."
    )
    assert rows[2] == (
        "An officer at the NWK office moved your case to “Biometrics appointment scheduled”."
    )
    assert rows[3] == "You opened your form."
    assert rows[-1] == "You submitted your registration."
    html = amal_client.get("/my/access-log/").content.decode()
    assert 'data-entries="7"' in html  # seven reads, one line
    assert "7 times, since" in html
    for code in CODES:
        assert code not in " ".join(rows), code
    assert not re.search(r"#\d", html)  # no account numbers

    spanish = log_rows(amal_client, "es")
    assert spanish[0] == (
        "Un funcionario de la oficina NWK abrió su caso y las notas de los funcionarios "
        "sobre su caso para tramitar su registro."
    )
    assert spanish[3] == "Usted abrió su formulario."


def test_a_visit_ends_after_half_an_hour_or_when_someone_else_acts(amal: User, olu: User) -> None:
    case = filed_at_newark(amal)
    start = timezone.now()

    def read(who: User, minutes: int, purpose: str = "self-access") -> AuditEntry:
        return AuditEntry(
            pk=minutes,
            at=start + dt.timedelta(minutes=minutes),
            actor_id=who.pk,
            actor_role=who.role,
            action="read",
            subject_id=case.person_id,
            object_type="registration",
            object_id=str(case.case_number),
            purpose=purpose,
            detail={},
        )

    newest_first = [
        read(amal, 95),
        read(amal, 80),  # 80 → 95: the same visit
        read(amal, 20),  # an hour before: another visit
        read(olu, 15, "case-processing"),  # someone else in between
        read(amal, 10),
        read(amal, 0),
    ]
    with translation.override("en"):
        lines = access_sentences.lines_for(amal, newest_first, {case.person_id: "us-2025"})
    assert [line.count for line in lines] == [2, 1, 1, 2]
    assert lines[0].first_at == start + dt.timedelta(minutes=80)
    assert lines[2].sentence == "An officer opened your case to process your registration."


def test_a_late_move_and_a_partner_are_told_plainly(amal: User, amal_client: Client) -> None:
    case = filed_at_newark(amal)
    casework.report_address_change(
        amal,
        case.person,
        address={"line1": "9 Oak Ave", "city": "Trenton", "country": "US"},
        moved_on=timezone.localdate() - dt.timedelta(days=20),
    )
    rows = log_rows(amal_client)
    assert rows[0] == "You reported your new address, more than 10 days after the move."
