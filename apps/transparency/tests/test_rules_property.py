"""Property tests of the publication rule (suppression and rounding) and of the period
parser."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.transparency.noise import publishable
from apps.transparency.periods import parse_period, require_ended
from registry.errors import FormInvalid

rules = st.integers(1, 20).flatmap(
    lambda rounding: st.tuples(st.integers(1, 20).map(lambda k: k * rounding), st.just(rounding))
)


@given(noisy=st.integers(-(10**6), 10**6), rule=rules)
def test_small_counts_are_suppressed_and_the_rest_rounded(
    noisy: int, rule: tuple[int, int]
) -> None:
    threshold, rounding = rule
    published = publishable(noisy, threshold=threshold, rounding=rounding)
    if noisy < threshold:
        assert published is None
        return
    assert published is not None
    assert published >= threshold
    assert published % rounding == 0
    assert abs(published - noisy) * 2 <= rounding
    # monotone: a larger noisy count is never published smaller
    bigger = publishable(noisy + 1, threshold=threshold, rounding=rounding)
    assert bigger is not None
    assert bigger >= published


@given(year=st.integers(1970, 2999), first=st.integers(1, 12), last=st.integers(1, 12))
def test_a_run_of_months_in_one_year_is_read_back(year: int, first: int, last: int) -> None:
    text = f"{year:04d}-{first:02d}..{year:04d}-{last:02d}"
    if last < first:
        with pytest.raises(FormInvalid, match="first month must come before"):
            parse_period(text)
        return
    period = parse_period(text)
    assert (period.start, period.year) == (dt.date(year, first, 1), year)
    assert period.end.month == last
    assert (period.end + dt.timedelta(days=1)).day == 1
    assert len(period.months) == last - first + 1
    assert parse_period(str(period.first)).label == str(period.first)


@given(st.text(max_size=20))
def test_anything_else_is_refused_with_a_hint(text: str) -> None:
    fields: dict[str, list[str]] = {}
    try:
        period = parse_period(text)
    except FormInvalid as error:
        fields = error.fields
    else:
        assert period.start <= period.end
        return
    assert fields["period"]


def test_a_period_is_released_only_once_it_has_ended() -> None:
    october = parse_period("2026-10")
    require_ended(october, dt.date(2026, 11, 1))
    for today in (dt.date(2026, 10, 31), dt.date(2026, 10, 2)):
        with pytest.raises(FormInvalid, match="release it from 2026-11-01 on"):
            require_ended(october, today)
    assert parse_period("2026").label == "2026"
    assert parse_period("2026-01..2026-10").label == "2026-01-to-2026-10"
    for bad in ("2026-13", "2025-12..2026-01", "26-10", "2026-1", "1969"):
        with pytest.raises(FormInvalid):
            parse_period(bad)
