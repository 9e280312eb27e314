"""What the public page and the ledger show: released values only, read back from the
signed documents, with plain-language labels."""

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.console.charts import LineChart, line_chart
from apps.partners.queries import public_register
from apps.programs.queries import public_register as programs_register
from apps.registrations.models import CaseState
from apps.transparency.counting import NO_OFFICE, OTHER, TABLE_TITLES
from apps.transparency.models import Release
from apps.transparency.noise import current_policy
from apps.transparency.services import spent_in_year

KEY_LABELS: dict[str, Promise] = {
    OTHER: _("Other"),
    NO_OFFICE: _("No office yet"),
    "filed": _("Filed"),
    "decided": _("Decided"),
    "placed": _("Placed"),
    "renewed": _("Renewed"),
    "ended": _("Ended"),
    "expunged": _("Expunged"),
    "disclosed": _("Disclosed"),
    **{state.value: state.label for state in CaseState},
}


@dataclass(frozen=True)
class Cell:
    key: str
    label: str
    value: int | None


@dataclass(frozen=True)
class ShownTable:
    name: str
    title: str
    cells: list[Cell]


def tables_of(release: Release) -> list[ShownTable]:
    document = json.loads(release.document)
    return [
        ShownTable(
            name=name,
            title=str(TABLE_TITLES.get(name, name)),
            cells=[
                Cell(cell["key"], str(KEY_LABELS.get(cell["key"], cell["key"])), cell["value"])
                for cell in document["tables"][name]["cells"]
            ],
        )
        for name in document["table_order"]
    ]


def monthly_series(releases: list[Release]) -> list[tuple[str, int | None]]:
    """Registrations per month across releases; for each month, the value of the
    latest release that covers it (releases are newest first)."""
    months: dict[str, int | None] = {}
    for release in releases:
        document = json.loads(release.document)
        table = document["tables"].get("registrations_by_month")
        for cell in table["cells"] if table else []:
            months.setdefault(cell["key"], cell["value"])
    return sorted(months.items())


def series_chart(series: list[tuple[str, int | None]]) -> LineChart | None:
    """A suppressed month is drawn at zero; the table beside the chart says "fewer
    than" for it."""
    return line_chart([(month, value or 0) for month, value in series]) if series else None


@dataclass(frozen=True)
class YearUsage:
    year: int
    spent: Decimal
    budget: Decimal

    @property
    def left(self) -> Decimal:
        return max(Decimal(0), self.budget - self.spent)


def year_usage(years: set[int]) -> list[YearUsage]:
    budget = current_policy().yearly_epsilon
    return [YearUsage(y, spent_in_year(y), budget) for y in sorted(years, reverse=True)]


def public_context(latest: int = 12) -> dict[str, Any]:
    releases = list(Release.objects.defer("csv")[:latest])
    all_for_chart = list(Release.objects.only("document", "released_at"))
    series = monthly_series(all_for_chart)
    policy = current_policy()
    return {
        "latest": releases[0] if releases else None,
        "latest_tables": tables_of(releases[0]) if releases else [],
        "releases": releases,
        "series": series,
        "chart": series_chart(series),
        "usage": year_usage({r.year for r in releases}),
        "policy": policy,
        # Issue 8: every data-sharing agreement ever in force, with its monthly use.
        "agreements": public_register(),
        # Issue 15: every program version ever in force, its approvers and its text.
        "programs": programs_register(),
    }
