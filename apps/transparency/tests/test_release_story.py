"""Priya, the privacy officer, releases October's and September's figures: the numbers
are noisy, small cells are suppressed, the release is signed, logged and spent from
the year's budget once."""

import json
from decimal import Decimal

import pytest

from apps.accounts.models import User
from apps.audit.models import Action, AuditEntry
from apps.registrations.models import CaseState
from apps.transparency import services
from apps.transparency.counting import TABLES
from apps.transparency.models import Release
from apps.transparency.tests.conftest import cells, make_offices, registrations

pytestmark = pytest.mark.django_db


def same_counts_in(month: str) -> dict[str, int]:
    """200 registered at Paterson, 120 at Newark, 60 departed at Newark, 1 at Brooklyn."""
    registrations(200, month, office="PAT")
    registrations(120, month, office="NWK")
    registrations(60, month, office="NWK", state=CaseState.DEPARTED)
    registrations(1, month, office="BKN", state=CaseState.SUBMITTED)
    return {"PAT": 200, "NWK": 180, "BKN": 1}


def test_two_releases_of_the_same_counts_are_noisy(priya: User) -> None:
    make_offices("PAT", "NWK", "BKN")
    truth = same_counts_in("2026-09")
    assert same_counts_in("2026-10") == truth
    september, _ = services.release_statistics(priya, "2026-09")
    october, _ = services.release_statistics(priya, "2026-10")

    # The large cells (true count known) of each release, in the same order.
    large = [
        ("registrations_by_office", "PAT", 200),
        ("registrations_by_office", "NWK", 180),
        ("registrations_by_state", "registered", 320),
        ("registrations_by_state", "departed", 60),
        ("registrations_by_program", "us-2025", 381),
    ]
    published = [
        [cells(release, table)[key] for table, key, _ in large]
        + list(cells(release, "registrations_by_month").values())
        for release in (september, october)
    ]
    true = [count for _, _, count in large] + [381]
    # Noise of scale 9, then rounding to 5: a cell comes out exactly true about one time
    # in four, so all twelve only by a chance of about 1e-7; two releases agree on all
    # six cells by a chance of about 1e-5.
    assert published[0] != true or published[1] != true
    assert published[0] != published[1]
    for values in published:
        for value, count in zip(values, true, strict=True):
            assert value is not None
            assert abs(value - count) < 120  # noise this large: about 1e-6 per cell
    assert september.epsilon == Decimal("1")
    assert len(september.tables) == len(TABLES)
    assert september.epsilon_per_table * len(TABLES) <= september.epsilon


def test_small_cells_are_published_as_fewer_than_the_threshold(priya: User, precise: None) -> None:
    make_offices("PAT", "NWK", "BKN")
    same_counts_in("2026-10")
    release, _ = services.release_statistics(priya, "2026-10")
    offices = cells(release, "registrations_by_office")
    assert offices == {"BKN": None, "NWK": 180, "PAT": 200, "none": None, "other": None}
    assert cells(release, "registrations_by_state")["submitted"] is None
    assert cells(release, "registrations_by_state")["departed"] == 60
    assert cells(release, "registrations_by_month") == {"2026-10": 380}
    csv_rows = [line.split(",") for line in release.csv.splitlines()]
    assert csv_rows[[r[3] for r in csv_rows].index("BKN")][3:] == ["BKN", "", "10"]


def test_the_release_keeps_only_released_values_and_is_logged(priya: User) -> None:
    make_offices("PAT")
    registrations(37, "2026-10", office="PAT")
    release, created = services.release_statistics(priya, "2026-10", epsilon="0.5")
    assert created
    document = json.loads(release.document)
    assert document["epsilon"] == {
        "release": "0.500000",
        "per_table": "0.055555",
        "year": 2026,
        "yearly_budget": "12.0",
        "spent_in_year_with_this_release": "0.500000",
    }
    for table in document["tables"].values():
        for cell in table["cells"]:
            assert cell["value"] is None or (cell["value"] >= 10 and cell["value"] % 5 == 0)
    entry = AuditEntry.objects.get(object_type="statistics_release")
    assert (entry.chain, entry.action, entry.subject_id) == ("system", Action.CREATE, None)
    assert (entry.actor_id, entry.actor_role) == (priya.pk, "privacy_officer")
    assert entry.object_id == release.release_id
    assert entry.detail["epsilon"] == "0.500000"


def test_releasing_again_is_idempotent_and_spends_nothing(priya: User) -> None:
    registrations(15, "2026-10", office="PAT")
    first, created = services.release_statistics(priya, "2026-10", tables=["complaints", "holds"])
    again, created_again = services.release_statistics(
        priya, "2026-10", tables=["holds", "complaints"]
    )
    assert created
    assert not created_again
    assert again.pk == first.pk
    assert again.document == first.document
    assert services.spent_in_year(2026) == Decimal("1")
    assert AuditEntry.objects.filter(object_type="statistics_release").count() == 1
    other, created_other = services.release_statistics(priya, "2026-10", tables=["complaints"])
    assert created_other
    assert other.release_id != first.release_id
    with pytest.raises(services.Conflict, match="already published with epsilon 1"):
        services.release_statistics(priya, "2026-10", epsilon="0.3", tables=["complaints"])


def test_the_release_that_would_exceed_the_year_is_refused(priya: User, settings: object) -> None:
    settings.STATISTICS_YEARLY_EPSILON = "2.5"  # type: ignore[attr-defined]
    services.release_statistics(priya, "2026-08")
    services.release_statistics(priya, "2026-09")
    entries = AuditEntry.objects.count()
    with pytest.raises(services.BudgetExceeded) as refused:
        services.release_statistics(priya, "2026-10")
    assert refused.value.status == 409
    assert "only 0.5 of 2026's budget of 2.5 is left" in refused.value.message
    assert not Release.objects.filter(period_label="2026-10").exists()
    assert AuditEntry.objects.count() == entries
    # What is left can still be spent, and another year has its own budget.
    services.release_statistics(priya, "2026-10", epsilon="0.5")
    services.release_statistics(priya, "2025-10")
    assert services.spent_in_year(2026) == Decimal("2.5")
    with pytest.raises(services.BudgetExceeded):
        services.release_statistics(priya, "2026-07", epsilon="0.000001", tables=["complaints"])


def test_bad_requests_are_refused_before_anything_is_counted(priya: User) -> None:
    for period, extra, field in [
        ("2026-13", {}, "period"),
        ("next month", {}, "period"),
        ("2099-01", {}, "period"),
        ("2026-10", {"epsilon": "0"}, "epsilon"),
        ("2026-10", {"epsilon": "-1"}, "epsilon"),
        ("2026-10", {"epsilon": "NaN"}, "epsilon"),
        ("2026-10", {"epsilon": "13"}, "epsilon"),
        ("2026-10", {"epsilon": "lots"}, "epsilon"),
        ("2026-10", {"epsilon": "0.000004"}, "epsilon"),  # nine tables: 0 each
        ("2026-10", {"tables": ["registrations_by_residence"]}, "tables"),
    ]:
        with pytest.raises(services.FormInvalid) as refused:
            services.release_statistics(priya, period, **extra)  # type: ignore[arg-type]
        assert field in refused.value.fields, (period, extra)
    assert not Release.objects.exists()
    assert not AuditEntry.objects.filter(object_type="statistics_release").exists()
