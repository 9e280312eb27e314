"""Release periods: a calendar month ("2026-10"), a calendar year ("2026"), or a run
of months within one year ("2026-01..2026-10", e.g. the year to date).

A period never spans two years, because the privacy budget is kept per year; it must
have ended before it is released, so the counts behind a release never change after
it and releasing the same period again can return the same numbers.
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from registry.errors import FormInvalid

_MONTH = r"(\d{4})-(0[1-9]|1[0-2])"
_YEAR = re.compile(r"(\d{4})")
_ONE_MONTH = re.compile(_MONTH)
_RANGE = re.compile(rf"{_MONTH}\.\.{_MONTH}")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])


@dataclass(frozen=True)
class Period:
    first: Month
    last: Month

    @property
    def year(self) -> int:
        return self.first.year

    @property
    def start(self) -> dt.date:
        return self.first.first_day

    @property
    def end(self) -> dt.date:
        """The last day of the period (inclusive)."""
        return self.last.last_day

    @property
    def months(self) -> list[Month]:
        return [Month(self.year, m) for m in range(self.first.month, self.last.month + 1)]

    @property
    def label(self) -> str:
        """The canonical spelling, also used in release ids (letters, digits, dashes)."""
        if self.first == self.last:
            return str(self.first)
        if self.first.month == 1 and self.last.month == 12:
            return f"{self.year:04d}"
        return f"{self.first}-to-{self.last}"


def parse_period(text: str) -> Period:
    """Parse "YYYY-MM", "YYYY" or "YYYY-MM..YYYY-MM" (same year, in order).

    Raises FormInvalid (field "period") for anything else."""
    text = (text or "").strip()
    if match := _ONE_MONTH.fullmatch(text):
        month = Month(int(match[1]), int(match[2]))
        return Period(month, month)
    if match := _YEAR.fullmatch(text):
        year = int(match[1])
        return _checked(Period(Month(year, 1), Month(year, 12)))
    if match := _RANGE.fullmatch(text):
        first, last = Month(int(match[1]), int(match[2])), Month(int(match[3]), int(match[4]))
        if first.year != last.year:
            raise _invalid(_("A period stays within one year: release each year on its own."))
        if last < first:
            raise _invalid(_("The period's first month must come before its last month."))
        return _checked(Period(first, last))
    raise _invalid(
        _(
            "Write the period as a month (2026-10), a year (2026) or a run of months "
            "in one year (2026-01..2026-10)."
        )
    )


def _checked(period: Period) -> Period:
    if period.year < 1970:
        raise _invalid(_("There are no records before 1970."))
    return period


def require_ended(period: Period, today: dt.date) -> None:
    """Refuse a period that has not ended: its counts could still change."""
    if period.end >= today:
        raise _invalid(
            _("The period %(period)s ends on %(end)s: release it from %(day)s on.")
            % {
                "period": period.label,
                "end": period.end.isoformat(),
                "day": (period.end + dt.timedelta(days=1)).isoformat(),
            }
        )


def _invalid(message: str) -> FormInvalid:
    return FormInvalid(message, fields={"period": [message]})
