"""What is counted: the audit-log conventions of the other teams, a person counted at
most once per table, offices and programs from public lists."""

import datetime as dt
import uuid

import pytest
from django.db import transaction

from apps.audit import services as audit
from apps.audit.models import Action
from apps.registrations.models import Person
from apps.transparency.counting import true_tables
from apps.transparency.periods import parse_period
from apps.transparency.tests.conftest import events, make_offices, registrations, this_month

pytestmark = pytest.mark.django_db


def test_events_are_counted_by_action_and_object_type() -> None:
    events(3, Action.CREATE, "correction")
    events(2, Action.DECIDE, "correction")
    events(4, Action.CREATE, "complaint")
    events(1, Action.CREATE, "disclosure_hold")
    events(1, Action.UPDATE, "disclosure_hold")
    events(2, Action.DECIDE, "disclosure_hold")
    events(5, Action.EXPUNGE, "person")
    events(6, Action.DISCLOSE, "registration")
    events(7, Action.READ, "registration")  # not a statistic
    events(1, Action.DECIDE, "biometric_match")  # neither
    tables = true_tables(
        parse_period(this_month()),
        ["corrections", "complaints", "holds", "expungements", "partner_disclosures"],
        bound=1,
    )
    assert tables == {
        "corrections": [("filed", 3), ("decided", 2)],
        "complaints": [("filed", 4), ("decided", 0)],
        "holds": [("placed", 1), ("renewed", 1), ("ended", 2)],
        "expungements": [("expunged", 5)],
        "partner_disclosures": [("disclosed", 6)],
    }


def test_one_person_counts_at_most_the_contribution_bound() -> None:
    busy = uuid.uuid4()
    events(9, Action.CREATE, "complaint", subject=busy)
    period = parse_period(this_month())
    assert true_tables(period, ["complaints"], bound=1)["complaints"] == [
        ("filed", 1),
        ("decided", 0),
    ]
    assert true_tables(period, ["complaints"], bound=3)["complaints"][0] == ("filed", 3)
    child_and_again = Person.objects.create(program="us-2025")
    registrations(3, "2026-10", person=child_and_again)
    registrations(2, "2026-10")
    monthly = true_tables(parse_period("2026-10"), ["registrations_by_month"], bound=1)
    assert monthly["registrations_by_month"] == [("2026-10", 3)]


def test_cells_come_from_public_lists_not_from_the_data() -> None:
    make_offices("PAT", "NWK")
    registrations(2, "2026-10", office="PAT")
    registrations(1, "2026-10", office="")
    registrations(1, "2026-10", office="GONE")
    registrations(1, "2026-10", program="retired-program")
    registrations(4, "2026-09")  # another period
    registrations(1, "2026-11")
    tables = true_tables(
        parse_period("2026-10"),
        ["registrations_by_office", "registrations_by_program", "registrations_by_state"],
        bound=1,
    )
    assert tables["registrations_by_office"] == [
        ("NWK", 0),
        ("PAT", 3),
        ("none", 1),
        ("other", 1),
    ]
    programs = dict(tables["registrations_by_program"])
    assert programs["us-2025"] == 4
    assert programs["other"] == 1
    assert "draft" not in dict(tables["registrations_by_state"])
    quarter = true_tables(parse_period("2026-09..2026-11"), ["registrations_by_month"], bound=1)
    assert quarter["registrations_by_month"] == [("2026-09", 4), ("2026-10", 5), ("2026-11", 1)]
    assert dt.date(2026, 11, 30) == parse_period("2026-09..2026-11").end


def test_entries_about_no_one_each_count_once() -> None:
    with transaction.atomic():
        for _ in range(3):
            audit.record(
                actor=audit.SYSTEM,
                action=Action.DISCLOSE,
                subject_id=None,
                object_type="aggregate",
                purpose="oversight",
            )
    events(2, Action.DISCLOSE, "registration", subject=uuid.uuid4())
    tables = true_tables(parse_period(this_month()), ["partner_disclosures"], bound=1)
    assert tables["partner_disclosures"] == [("disclosed", 4)]
