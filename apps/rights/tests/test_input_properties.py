"""Property tests for what people type or upload: evidence is accepted exactly when it
is a PNG, JPEG or PDF of at most 5 MB, and hold terms are refused outside a year."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.rights.evidence import MAX_EVIDENCE_BYTES, SIGNATURES, check_evidence, sniff
from apps.rights.forms import parse_value
from apps.rights.services import HOLD_MAX_DAYS, _check_hold_terms
from registry.errors import FormInvalid

MAGICS = [magic for magic, _kind in SIGNATURES]


@given(st.binary(max_size=256))
def test_arbitrary_bytes_are_accepted_only_with_a_known_signature(content: bytes) -> None:
    known = sniff(content)
    if not content:
        assert check_evidence(content) is None
    elif known is None:
        with pytest.raises(FormInvalid):
            check_evidence(content)
    else:
        evidence = check_evidence(content)
        assert evidence is not None
        assert evidence.content_type == known


@given(st.sampled_from(MAGICS), st.binary(max_size=64))
def test_every_signature_is_recognised(magic: bytes, tail: bytes) -> None:
    evidence = check_evidence(magic + tail)
    assert evidence is not None
    assert evidence.content == magic + tail


def test_the_size_limit_is_exact() -> None:
    at_limit = b"%PDF-" + b"0" * (MAX_EVIDENCE_BYTES - 5)
    assert check_evidence(at_limit) is not None
    with pytest.raises(FormInvalid):
        check_evidence(at_limit + b"0")


@given(st.integers(min_value=-400, max_value=800))
def test_a_hold_ends_within_a_year(days: int) -> None:
    today = dt.date(2026, 1, 31)
    ends_on = today + dt.timedelta(days=days)
    if 0 <= days <= HOLD_MAX_DAYS:
        assert _check_hold_terms("Ongoing inquiry.", ends_on, today) == "Ongoing inquiry."
    else:
        with pytest.raises(FormInvalid) as refused:
            _check_hold_terms("Ongoing inquiry.", ends_on, today)
        assert "ends_on" in refused.value.fields


@given(st.text(max_size=600))
def test_a_hold_reason_is_checked_after_trimming(reason: str) -> None:
    today = dt.date(2026, 1, 31)
    trimmed = reason.strip()
    if 10 <= len(trimmed) <= 500:
        assert _check_hold_terms(reason, today, today) == trimmed
    else:
        with pytest.raises(FormInvalid):
            _check_hold_terms(reason, today, today)


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cc", "Zl", "Zp"]))))
def test_a_list_typed_one_per_line_keeps_every_non_empty_line(items: list[str]) -> None:
    parsed = parse_value("text_list", "\n".join(items))
    assert parsed == [i.strip() for i in items if i.strip()]
