"""Supervisors' figures per office: backlog, overdue cases and throughput.

Three aggregate queries whatever the number of offices or cases; counts only, never a
row about a person.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from apps.registrations.models import OPEN_STATES, CaseState, CaseTransition, Registration

# A case leaves the backlog with a decision either way; both count as throughput.
DECIDED_STATES = (CaseState.REGISTERED, CaseState.REJECTED)
DEFAULT_DAYS = 14


@dataclass(frozen=True)
class OfficeFigures:
    office_code: str
    backlog: int = 0
    overdue: int = 0
    decided: int = 0


@dataclass(frozen=True)
class Dashboard:
    since: dt.date
    today: dt.date
    offices: list[OfficeFigures]
    daily: list[tuple[dt.date, int]]
    office_code: str

    @property
    def totals(self) -> OfficeFigures:
        return OfficeFigures(
            "",
            backlog=sum(o.backlog for o in self.offices),
            overdue=sum(o.overdue for o in self.offices),
            decided=sum(o.decided for o in self.offices),
        )


def dashboard(today: dt.date, *, days: int = DEFAULT_DAYS, office_code: str = "") -> Dashboard:
    """Open and overdue cases now, and decisions over the last `days` days (today
    included) per office; the day-by-day decisions of `office_code`, or of all offices.

    A case is overdue when it is open and its due date has passed."""
    since = today - dt.timedelta(days=days - 1)
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    backlog = (
        Registration.objects.filter(state__in=OPEN_STATES)
        .values("office_code")
        .annotate(backlog=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
        .order_by()
    )
    decisions = CaseTransition.objects.filter(to_state__in=DECIDED_STATES, at__gte=start)
    decided = dict(
        decisions.values("registration__office_code")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("registration__office_code", "n")
    )
    if office_code:
        decisions = decisions.filter(registration__office_code=office_code)
    per_day = dict(
        decisions.annotate(day=TruncDate("at"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("day", "n")
    )
    offices = {
        row["office_code"]: OfficeFigures(
            row["office_code"], row["backlog"], row["overdue"], decided.get(row["office_code"], 0)
        )
        for row in backlog
    }
    for code, count in decided.items():
        offices.setdefault(code, OfficeFigures(code, decided=count))
    daily = [
        (since + dt.timedelta(days=i), per_day.get(since + dt.timedelta(days=i), 0))
        for i in range(days)
    ]
    return Dashboard(
        since=since,
        today=today,
        offices=sorted(offices.values(), key=lambda o: o.office_code),
        daily=daily,
        office_code=office_code,
    )
