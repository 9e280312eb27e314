"""Releasing statistics: count, add noise, suppress, sign, spend the budget, log.

The only place that writes releases. A release is refused, and nothing is written,
when it would take the year's spent epsilon past the yearly budget.
"""

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit import services as audit
from apps.audit.models import Action
from apps.audit.services import ActorLike
from apps.transparency import documents
from apps.transparency.counting import TABLES, true_tables
from apps.transparency.models import BudgetYear, Release
from apps.transparency.noise import (
    MECHANISM,
    PrivacyPolicy,
    current_policy,
    noisy_counts,
    publishable,
    scale_for,
    split_epsilon,
)
from apps.transparency.periods import Period, parse_period, require_ended
from apps.vault import signing
from registry.errors import Conflict, FormInvalid

OBJECT_TYPE = "statistics_release"


class BudgetExceeded(Conflict):
    code = "privacy_budget_exceeded"


def release_id_for(period: Period, tables: list[str]) -> str:
    """Stable per (period, tables): releasing the same again finds the same release."""
    digest = hashlib.sha256(",".join(sorted(tables)).encode()).hexdigest()[:6]
    return f"{period.label}-{digest}"


def parse_tables(names: Iterable[str] | None) -> list[str]:
    """The requested tables in the standard order; all of them when none is named.
    Raises FormInvalid (field "tables") for an unknown name."""
    wanted = {name.strip() for name in names or () if name.strip()}
    unknown = sorted(wanted - set(TABLES))
    if unknown:
        message = _("Unknown tables: %(names)s. Choose among: %(known)s.") % {
            "names": ", ".join(unknown),
            "known": ", ".join(TABLES),
        }
        raise FormInvalid(message, fields={"tables": [message]})
    return [name for name in TABLES if name in wanted] if wanted else list(TABLES)


def parse_epsilon(value: str | Decimal | None, policy: PrivacyPolicy) -> Decimal:
    """The epsilon to spend: the configured one by default; otherwise a positive
    number no larger than the yearly budget. Raises FormInvalid (field "epsilon")."""
    if value is None or value == "":
        return policy.release_epsilon
    try:
        epsilon = Decimal(str(value).strip())
    except InvalidOperation:
        epsilon = Decimal("NaN")
    if not epsilon.is_finite() or epsilon <= 0 or epsilon > policy.yearly_epsilon:
        message = _("Epsilon must be a number above 0 and at most the yearly budget (%(b)s).") % {
            "b": policy.yearly_epsilon
        }
        raise FormInvalid(message, fields={"epsilon": [message]})
    return epsilon.quantize(Decimal("0.000001"))


def spent_in_year(year: int) -> Decimal:
    total = Release.objects.filter(year=year).aggregate(total=Sum("epsilon"))["total"]
    return Decimal(total or 0)


def release_statistics(
    actor: ActorLike,
    period_text: str,
    *,
    epsilon: str | Decimal | None = None,
    tables: Iterable[str] | None = None,
    today: dt.date | None = None,
) -> tuple[Release, bool]:
    """Release the tables for a period that has ended; returns (release, created).

    Idempotent per (period, tables): the existing release is returned and no epsilon
    is spent again. Raises FormInvalid for a bad period, table or epsilon; Conflict
    when the same release exists with another epsilon; BudgetExceeded when the year's
    budget would be exceeded (nothing is written then)."""
    policy = current_policy()
    period = parse_period(period_text)
    require_ended(period, today or timezone.localdate())
    names = parse_tables(tables)
    wanted = parse_epsilon(epsilon, policy)
    if split_epsilon(wanted, len(names)) <= 0:
        message = _("Epsilon %(epsilon)s is too small to share among %(n)s tables.") % {
            "epsilon": wanted.normalize(),
            "n": len(names),
        }
        raise FormInvalid(message, fields={"epsilon": [message]})
    release_id = release_id_for(period, names)
    with transaction.atomic():
        BudgetYear.objects.get_or_create(year=period.year)
        BudgetYear.objects.select_for_update().get(year=period.year)
        existing = Release.objects.filter(release_id=release_id).first()
        if existing is not None:
            if epsilon not in (None, "") and existing.epsilon != wanted:
                raise Conflict(
                    _(
                        "%(release)s was already published with epsilon %(epsilon)s; a "
                        "period and its tables are released once."
                    )
                    % {"release": release_id, "epsilon": existing.epsilon.normalize()}
                )
            return existing, False
        spent = spent_in_year(period.year)
        if spent + wanted > policy.yearly_epsilon:
            raise BudgetExceeded(
                _(
                    "This release would spend epsilon %(wanted)s, but only %(left)s of "
                    "%(year)s's budget of %(budget)s is left. Release fewer tables, a "
                    "smaller epsilon, or wait for next year's budget."
                )
                % {
                    "wanted": wanted.normalize(),
                    "left": (policy.yearly_epsilon - spent).normalize(),
                    "year": period.year,
                    "budget": policy.yearly_epsilon.normalize(),
                }
            )
        plan = _Plan(release_id, period, names, wanted, spent, policy)
        release = _publish(actor, plan)
    return release, True


@dataclass(frozen=True)
class _Plan:
    release_id: str
    period: Period
    names: list[str]
    epsilon: Decimal
    spent_before: Decimal
    policy: PrivacyPolicy

    @property
    def per_table(self) -> Decimal:
        return split_epsilon(self.epsilon, len(self.names))


def _publish(actor: ActorLike, plan: _Plan) -> Release:
    release_id, period, names, epsilon = plan.release_id, plan.period, plan.names, plan.epsilon
    policy, per_table = plan.policy, plan.per_table
    now = timezone.now().replace(microsecond=0)
    document = _document(plan)
    document["released_at"] = now.isoformat()
    text = documents.canonical(document)
    csv = documents.csv_text(document)
    signature = signing.sign(documents.PURPOSE, text.encode())
    csv_signature = signing.sign(documents.PURPOSE, csv.encode())
    release = Release.objects.create(
        release_id=release_id,
        period_label=period.label,
        period_start=period.start,
        period_end=period.end,
        year=period.year,
        tables=names,
        epsilon=epsilon,
        epsilon_per_table=per_table,
        yearly_budget=policy.yearly_epsilon,
        threshold=policy.threshold,
        rounding=policy.rounding,
        contribution_bound=policy.contribution_bound,
        document=text,
        csv=csv,
        key_id=signature.kid,
        signature=documents.b64(signature.signature),
        csv_signature=documents.b64(csv_signature.signature),
        released_at=now,
        released_by=actor if isinstance(actor, User) else None,
        released_by_role=actor.role,
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        subject_id=None,
        object_type=OBJECT_TYPE,
        object_id=release_id,
        detail={
            "period": period.label,
            "tables": names,
            "epsilon": str(epsilon),
            "year": period.year,
        },
    )
    return release


def _document(plan: _Plan) -> dict[str, Any]:
    """Count, add noise, suppress and round: the true counts end here."""
    period, names, policy, per_table = plan.period, plan.names, plan.policy, plan.per_table
    counts = true_tables(period, names, bound=policy.contribution_bound)
    tables: dict[str, Any] = {}
    for name in names:
        keys = [key for key, _count in counts[name]]
        noisy = noisy_counts(
            [count for _key, count in counts[name]],
            epsilon=per_table,
            sensitivity=policy.contribution_bound,
        )
        tables[name] = {
            "epsilon": str(per_table),
            "scale": f"{scale_for(per_table, policy.contribution_bound):.6f}",
            "cells": [
                {
                    "key": key,
                    "value": publishable(
                        value, threshold=policy.threshold, rounding=policy.rounding
                    ),
                }
                for key, value in zip(keys, noisy, strict=True)
            ],
        }
    return {
        "format": documents.FORMAT,
        "release": plan.release_id,
        "period": {
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "mechanism": {
            "name": MECHANISM,
            "library": "opendp 0.16",
            "contribution_bound": policy.contribution_bound,
            "suppression_threshold": policy.threshold,
            "rounding": policy.rounding,
        },
        "epsilon": {
            "release": str(plan.epsilon),
            "per_table": str(per_table),
            "year": period.year,
            "yearly_budget": str(policy.yearly_epsilon),
            "spent_in_year_with_this_release": str(plan.spent_before + plan.epsilon),
        },
        "table_order": names,
        "tables": tables,
    }


def release_last_month(today: dt.date | None = None) -> dict[str, Any]:
    """Release last month's statistics as the system (the `statistics` job, early each
    month), at the default epsilon and with every table, unless a release of that
    month exists already (a privacy officer's own release is left alone). Raises
    BudgetExceeded as release_statistics does."""
    first_of_month = (today or timezone.localdate()).replace(day=1)
    label = f"{first_of_month - dt.timedelta(days=1):%Y-%m}"
    existing = Release.objects.filter(period_label=label).first()
    if existing is not None:
        return {"period": label, "release": existing.release_id, "created": False}
    release, created = release_statistics(audit.SYSTEM, label)
    return {"period": label, "release": release.release_id, "created": created}
