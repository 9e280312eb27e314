"""Statistics endpoints: the public list of releases, releasing (privacy officer) and
the ledger (privacy officer, auditor). Same services as the pages."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from apps.accounts.permissions import Permission
from apps.accounts.policies import authorize
from apps.transparency import services
from apps.transparency.models import Release
from apps.transparency.presentation import year_usage
from registry.public import public

router = Router(tags=["transparency"])


class ReleaseIn(Schema):
    model_config = ConfigDict(extra="forbid")
    period: str = Field(min_length=4, max_length=32, examples=["2026-10"])
    epsilon: Decimal | None = Field(default=None, gt=0)
    tables: list[str] = Field(default_factory=list, max_length=20)


class ReleaseOut(Schema):
    release_id: str
    period: str
    period_start: dt.date
    period_end: dt.date
    tables: list[str]
    epsilon: str
    epsilon_per_table: str
    released_at: dt.datetime
    json_url: str
    csv_url: str


class LedgerEntryOut(ReleaseOut):
    released_by_role: str
    key_id: str


class YearOut(Schema):
    year: int
    spent: str
    budget: str


class LedgerOut(Schema):
    releases: list[LedgerEntryOut]
    years: list[YearOut]


def _out(release: Release) -> dict[str, object]:
    return {
        "release_id": release.release_id,
        "period": release.period_label,
        "period_start": release.period_start,
        "period_end": release.period_end,
        "tables": release.tables,
        "epsilon": str(release.epsilon.normalize()),
        "epsilon_per_table": str(release.epsilon_per_table.normalize()),
        "released_at": release.released_at,
        "json_url": reverse("transparency:json", args=[release.release_id]),
        "csv_url": reverse("transparency:csv", args=[release.release_id]),
        "released_by_role": release.released_by_role,
        "key_id": release.key_id,
    }


@public
@router.get("/statistics/releases", response=list[ReleaseOut], auth=None)
def list_releases(request: HttpRequest) -> list[ReleaseOut]:
    """Public: every release, newest first, with its epsilon and download links."""
    return [ReleaseOut.model_validate(_out(r)) for r in Release.objects.defer("document", "csv")]


@router.post("/statistics/releases", response={200: ReleaseOut, 201: ReleaseOut})
def release(request: HttpRequest, payload: ReleaseIn) -> Status:
    """statistics:release:publish. 201 with the new release; 200 with the existing one
    for the same period and tables; 409 privacy_budget_exceeded when the year's budget
    would be exceeded (nothing is written); 422 for a bad period, epsilon or table."""
    user = authorize(request.user, Permission.STATISTICS_RELEASE)
    made, created = services.release_statistics(
        user, payload.period, epsilon=payload.epsilon, tables=payload.tables
    )
    return Status(201 if created else 200, ReleaseOut.model_validate(_out(made)))


@router.get("/statistics/ledger", response=LedgerOut)
def ledger(request: HttpRequest) -> LedgerOut:
    """statistics:ledger:read. Every release with the epsilon it spent, and each year's
    spending against the yearly budget."""
    authorize(request.user, Permission.STATISTICS_LEDGER_READ)
    releases = list(Release.objects.defer("document", "csv"))
    return LedgerOut(
        releases=[LedgerEntryOut.model_validate(_out(r)) for r in releases],
        years=[
            YearOut(year=u.year, spent=str(u.spent.normalize()), budget=str(u.budget.normalize()))
            for u in year_usage({r.year for r in releases})
        ],
    )
