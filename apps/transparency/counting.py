"""The true counts behind a release. They never leave this module's caller except as
noisy values: `services.release` adds noise before anything is stored.

Registrations are counted from `apps.registrations` (the ones submitted in the period,
by program, case state, office and month). The case state is the only "state" counted:
a person's state of residence is sealed inside their encrypted form by design and is
never decrypted for statistics. Redress, holds, expungements and partner disclosures
are counted from the audit log by the cross-team conventions (object_type + action),
so the counts work whichever apps write those entries.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import CharField, Count, F, Model, Q, QuerySet, Window
from django.db.models.functions import Cast, Coalesce, RowNumber, TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.appointments.models import Office
from apps.audit.models import Action, AuditEntry
from apps.programs.loader import available_programs
from apps.registrations.models import CaseState, Registration
from apps.transparency.periods import Period

OTHER = "other"
NO_OFFICE = "none"

# (action, object_type or None for any) per cell of each audit-derived table.
EVENT_TABLES: dict[str, dict[str, tuple[str, str | None]]] = {
    "corrections": {
        "filed": (Action.CREATE, "correction"),
        "decided": (Action.DECIDE, "correction"),
    },
    "complaints": {
        "filed": (Action.CREATE, "complaint"),
        "decided": (Action.DECIDE, "complaint"),
    },
    "holds": {
        "placed": (Action.CREATE, "disclosure_hold"),
        "renewed": (Action.UPDATE, "disclosure_hold"),
        "ended": (Action.DECIDE, "disclosure_hold"),
    },
    "expungements": {"expunged": (Action.EXPUNGE, "person")},
    "partner_disclosures": {"disclosed": (Action.DISCLOSE, None)},
}
REGISTRATION_TABLES = (
    "registrations_by_program",
    "registrations_by_state",
    "registrations_by_office",
    "registrations_by_month",
)
TABLES: tuple[str, ...] = REGISTRATION_TABLES + tuple(EVENT_TABLES)

TABLE_TITLES: dict[str, Promise] = {
    "registrations_by_program": _("Registrations by program"),
    "registrations_by_state": _("Registrations by case state"),
    "registrations_by_office": _("Registrations by office"),
    "registrations_by_month": _("Registrations by month"),
    "corrections": _("Correction requests"),
    "complaints": _("Complaints"),
    "holds": _("Law-enforcement holds on a person's access log"),
    "expungements": _("People expunged"),
    "partner_disclosures": _("Disclosures to partner agencies"),
}

Table = list[tuple[str, int]]
_M = TypeVar("_M", bound=Model)


def _bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(period.start, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return start, end


def _capped(rows: QuerySet[_M], owner: Any, order: list[Any], bound: int) -> QuerySet[_M]:
    """The rows, keeping at most `bound` per owner (earliest first, in `order`). The
    database ranks and groups, so a release never loads the rows themselves."""
    ranked = rows.annotate(rank=Window(RowNumber(), partition_by=[owner], order_by=order)).filter(
        rank__lte=bound
    )
    return rows.model._default_manager.filter(pk__in=ranked.values("pk"))


def _histogram(keys: list[str], counted: Iterable[tuple[str, int]]) -> Table:
    counts = dict.fromkeys(keys, 0)
    for value, count in counted:
        if value in counts:
            counts[value] += count
        elif OTHER in counts:
            counts[OTHER] += count
    return list(counts.items())


def registration_keys(period: Period) -> dict[str, list[str]]:
    """The public list of cells of each registration table, fixed before counting."""
    return {
        "registrations_by_program": [*(p.slug for p in available_programs()), OTHER],
        "registrations_by_state": [s.value for s in CaseState if s != CaseState.DRAFT],
        "registrations_by_office": [
            *sorted(Office.objects.values_list("code", flat=True)),
            NO_OFFICE,
            OTHER,
        ],
        "registrations_by_month": [str(m) for m in period.months],
    }


def registration_tables(period: Period, *, bound: int) -> dict[str, Table]:
    start, end = _bounds(period)
    kept = _capped(
        Registration.objects.filter(submitted_at__gte=start, submitted_at__lt=end),
        F("person_id"),
        [F("submitted_at").asc(), F("id").asc()],
        bound,
    )
    keys = registration_keys(period)
    zone = timezone.get_default_timezone()
    # One GROUP BY over every combination, then the four margins here: the ranking
    # runs once instead of once per table.
    combinations = (
        kept.annotate(month=TruncMonth("submitted_at", tzinfo=zone))
        .values("program", "state", "office_code", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    margins: dict[str, list[tuple[str, int]]] = {name: [] for name in REGISTRATION_TABLES}
    for row in combinations:
        n = row["n"]
        margins["registrations_by_program"].append((row["program"], n))
        margins["registrations_by_state"].append((row["state"], n))
        margins["registrations_by_office"].append((row["office_code"] or NO_OFFICE, n))
        margins["registrations_by_month"].append((row["month"].strftime("%Y-%m"), n))
    return {name: _histogram(keys[name], margins[name]) for name in REGISTRATION_TABLES}


def event_table(name: str, period: Period, *, bound: int) -> Table:
    """One audit-derived table; each subject (person) counts at most `bound` entries
    in it. Entries without a subject each count as their own unit."""
    cells = EVENT_TABLES[name]
    start, end = _bounds(period)
    wanted = Q()
    for action, object_type in cells.values():
        wanted |= Q(action=action, object_type=object_type) if object_type else Q(action=action)
    owner = Coalesce(Cast("subject_id", CharField()), Cast("id", CharField()))
    kept = _capped(
        AuditEntry.objects.filter(wanted, at__gte=start, at__lt=end),
        owner,
        [F("at").asc(), F("id").asc()],
        bound,
    )
    counted = []
    rows = kept.values("action", "object_type").annotate(n=Count("pk")).order_by()
    for row in rows:
        for key, (action, object_type) in cells.items():
            if row["action"] == action and object_type in (None, row["object_type"]):
                counted.append((key, row["n"]))
                break
    return _histogram(list(cells), counted)


def true_tables(period: Period, tables: Iterable[str], *, bound: int) -> dict[str, Table]:
    """The exact counts of each requested table over the period."""
    wanted = list(tables)
    result: dict[str, Table] = {}
    if any(name in REGISTRATION_TABLES for name in wanted):
        result.update(registration_tables(period, bound=bound))
    for name in wanted:
        if name in EVENT_TABLES:
            result[name] = event_table(name, period, bound=bound)
    return {name: result[name] for name in wanted}
