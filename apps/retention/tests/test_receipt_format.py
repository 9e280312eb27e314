"""The receipt format and the rules' date arithmetic, as properties: a receipt survives
its own JSON, any change to a signed field breaks the signature, anything that is not
exactly a receipt is refused with ReceiptInvalid (never another exception), and a
person due on a day stays due on every later day."""

import datetime as dt
import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.programs.loader import get_program
from apps.registrations.models import CaseState
from apps.retention import receipts
from apps.retention.rules import _end_date, add_years

pytestmark = pytest.mark.django_db
slow_db = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))

GROUNDS = st.sampled_from(["naturalisation", "court-order", "retention-departed"])
TIMES = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis adds the zone below
    max_value=dt.datetime(2100, 1, 1),  # noqa: DTZ001
    timezones=st.just(dt.UTC),
)
NEW_YEAR = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@slow_db
@given(person=st.uuids(), ground=GROUNDS, at=TIMES)
def test_a_receipt_survives_its_json_and_verifies(
    person: uuid.UUID, ground: str, at: dt.datetime
) -> None:
    receipt = receipts.sign_receipt(person, ground, at)
    again = receipts.parse(receipt.to_json())
    assert again == receipt
    assert again.verify()


@slow_db
@given(
    field=st.sampled_from(["receipt_id", "person_id", "ground", "at"]),
    person=st.uuids(),
    other=st.uuids(),
)
def test_changing_any_signed_field_breaks_the_signature(
    field: str, person: uuid.UUID, other: uuid.UUID
) -> None:
    receipt = receipts.sign_receipt(person, "court-order", NEW_YEAR)
    changed = {
        "receipt_id": str(other),
        "person_id": str(other),
        "ground": "naturalisation",
        "at": "2026-01-02T00:00:00+00:00",
    }[field]
    if changed == receipt.as_dict()[field]:
        return
    assert not receipts.parse({**receipt.as_dict(), field: changed}).verify()


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=10,
)


@given(value=JSONISH)
def test_anything_but_a_receipt_is_refused_cleanly(value: object) -> None:
    with pytest.raises(receipts.ReceiptInvalid):
        receipts.parse(json.dumps(value))


@given(
    field=st.sampled_from(["receipt_id", "person_id", "at", "version", "kid"]),
    junk=st.one_of(st.integers(), st.text(max_size=12), st.none()),
)
def test_a_receipt_with_a_bad_field_is_refused_cleanly(field: str, junk: object) -> None:
    good = {
        "version": 1,
        "receipt_id": str(uuid.uuid4()),
        "person_id": str(uuid.uuid4()),
        "ground": "court-order",
        "at": "2026-01-01T00:00:00+00:00",
        "kid": "0123456789abcdef",
        "signature": "AAAA",
    }
    try:
        receipts.parse({**good, field: junk})
    except receipts.ReceiptInvalid:
        return
    assert field == "kid"  # any text is a syntactically fine key id
    assert isinstance(junk, str)


def test_a_time_without_its_zone_is_refused() -> None:
    receipt = receipts.sign_receipt(
        uuid.uuid4(), "court-order", dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    with pytest.raises(receipts.ReceiptInvalid, match="time zone"):
        receipts.parse({**receipt.as_dict(), "at": "2026-01-01T00:00:00"})


STATES = st.sampled_from([s.value for s in CaseState])
DAYS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 31))


@given(state=STATES, changed=DAYS, departed=st.none() | DAYS, moved=st.none() | DAYS)
def test_an_end_date_never_comes_before_the_last_change(
    state: str, changed: dt.date, departed: dt.date | None, moved: dt.date | None
) -> None:
    rules = get_program("us-2025").retention
    at = dt.datetime.combine(changed, dt.time(12), tzinfo=dt.UTC)
    moved_at = dt.datetime.combine(moved, dt.time(12), tzinfo=dt.UTC) if moved else None
    end = _end_date(rules, state, at, departed, moved_at)
    if state in {"submitted", "evidence_requested", "biometrics_scheduled", "biometrics_captured"}:
        assert end is None
    elif state == CaseState.DEPARTED and departed:
        assert end == add_years(departed, rules.departed_years)
    else:
        assert end is not None
        assert end >= changed
        if state == CaseState.REGISTERED and moved and moved > changed:
            assert end >= moved


@given(day=DAYS, years=st.integers(min_value=0, max_value=50))
def test_adding_years_keeps_the_day_or_moves_to_1_march(day: dt.date, years: int) -> None:
    later = add_years(day, years)
    assert later.year == day.year + years
    assert (later.month, later.day) in {(day.month, day.day), (3, 1)}
