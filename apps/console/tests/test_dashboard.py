"""Sam reads each office's backlog, overdue cases and throughput, as numbers and as
charts, in a fixed handful of queries."""

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts.models import User
from apps.console.charts import bar_chart, line_chart, nice_ceiling
from apps.console.dashboard import dashboard
from apps.registrations.models import CaseState, CaseTransition, Registration

pytestmark = pytest.mark.django_db

MakeCases = Callable[..., list[Registration]]
COLUMNS = ("backlog", "overdue", "decided")


def decided(registration: Registration, state: str, days_ago: int, actor: User) -> None:
    transition = CaseTransition.objects.create(
        registration=registration,
        from_state=CaseState.BIOMETRICS_CAPTURED,
        to_state=state,
        actor=actor,
        actor_role=actor.role,
        reason="registered",
    )
    at = timezone.now() - dt.timedelta(days=days_ago)
    CaseTransition.objects.filter(pk=transition.pk).update(at=at)
    Registration.objects.filter(pk=registration.pk).update(state=state)


@pytest.fixture
def offices(make_cases: MakeCases, olu: User) -> None:
    """Newark: 3 waiting (1 overdue) and 1 booked overdue; 2 decided this week and 1
    long ago. JFK: 2 waiting; 1 rejected today."""
    today = timezone.localdate()
    make_cases(2, office="NWK", due_on=today + dt.timedelta(days=5))
    make_cases(1, office="NWK", due_on=today - dt.timedelta(days=1))
    make_cases(1, office="NWK", state=CaseState.BIOMETRICS_SCHEDULED, due_on=today)
    make_cases(1, office="NWK", state=CaseState.EVIDENCE_REQUESTED, due_on=today - dt.timedelta(3))
    done = make_cases(3, office="NWK", due_on=today - dt.timedelta(days=9))
    decided(done[0], CaseState.REGISTERED, 0, olu)
    decided(done[1], CaseState.REJECTED, 3, olu)
    decided(done[2], CaseState.REGISTERED, 40, olu)
    make_cases(2, office="JFK")
    decided(make_cases(1, office="JFK")[0], CaseState.REJECTED, 0, olu)


def cells(html: str, office: str) -> tuple[str, str, str]:
    row = re.search(rf'<tr data-office="{office}">(.*?)</tr>', html, re.S)
    assert row, office
    backlog, overdue, decided = (
        re.search(rf'class="{name}">(\d+)<', row.group(1)) for name in COLUMNS
    )
    return tuple(m.group(1) if m else "" for m in (backlog, overdue, decided))  # type: ignore[return-value]


def test_sam_reads_backlog_overdue_and_throughput_per_office(
    sam_client: Client, offices: None, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(6):  # session, user, device + three aggregates
        response = sam_client.get("/console/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert cells(html, "NWK") == ("5", "2", "2")
    assert cells(html, "JFK") == ("2", "0", "1")
    totals = html[html.index('id="totals"') :]
    assert re.search(r'class="backlog">7<', totals)
    assert '<svg class="chart"' in html
    assert html.count("<rect ") == 6  # 2 offices x 3 series
    assert "<polyline" in html


def test_the_daily_line_follows_one_office_when_asked(olu: User, offices: None) -> None:
    today = timezone.localdate()
    everyone = dashboard(today)
    newark = dashboard(today, office_code="NWK")
    assert everyone.daily[-1] == (today, 2)
    assert newark.daily[-1] == (today, 1)
    assert newark.daily[-4] == (today - dt.timedelta(days=3), 1)
    assert len(newark.daily) == 14
    assert sum(n for _, n in newark.daily) == 2  # the decision 40 days ago is outside


def test_an_empty_register_has_an_empty_dashboard(sam_client: Client) -> None:
    response = sam_client.get("/console/dashboard/")
    assert response.status_code == 200
    assert "No cases yet." in response.content.decode()


def test_chart_axes_use_round_numbers() -> None:
    assert [nice_ceiling(v) for v in (0, 1, 3, 7, 11, 180, 999)] == [1, 1, 5, 10, 20, 200, 1000]


def test_bars_are_proportional_and_stand_on_the_baseline() -> None:
    chart = bar_chart(["A", "B"], [[10, 5], [0, 20]])
    a_open, a_overdue = chart.groups[0].bars
    b_open, b_overdue = chart.groups[1].bars
    assert b_overdue.height == pytest.approx(2 * a_open.height)
    assert a_open.height == pytest.approx(2 * b_open.height)
    assert a_overdue.height == 0
    for bar in (a_open, a_overdue, b_open, b_overdue):
        assert bar.y + bar.height == pytest.approx(chart.baseline)
    assert [t.value for t in chart.ticks] == [0, 5, 10, 15, 20]


def test_a_line_runs_left_to_right_through_every_day() -> None:
    chart = line_chart([("1", 0), ("2", 4), ("3", 2)])
    xs = [p.x for p in chart.points]
    assert xs == sorted(xs)
    assert chart.points[0].y == pytest.approx(chart.baseline)
    assert chart.points[1].y < chart.points[2].y < chart.points[0].y
    assert chart.polyline.count(",") == 3
