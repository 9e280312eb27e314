"""The form validator: property-based checks that it never accepts a wrong type and
never crashes on arbitrary JSON."""

import contextlib
import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.programs.loader import load_program_file
from apps.programs.tests.factories import PROGRAMS_DIR
from apps.registrations.validation import validate_form
from conftest import VALID_FORM
from registry.errors import FormInvalid

US = load_program_file(PROGRAMS_DIR / "us-2025.toml")  # the validator needs no database
TODAY = dt.date(2026, 11, 23)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)


def test_the_valid_form_is_valid() -> None:
    clean = validate_form(US, VALID_FORM, partial=False, for_child=False, today=TODAY)
    assert clean["family_name"] == "Haddad"
    assert clean["nationality"] == "LB"


@settings(max_examples=200, deadline=None)
@given(field=st.sampled_from(sorted(VALID_FORM)), value=json_values)
def test_any_json_value_in_any_field_is_accepted_or_named(field: str, value: Any) -> None:
    data = {**VALID_FORM, field: value}
    program = US
    refusal: FormInvalid | None = None
    clean: dict[str, Any] = {}
    try:
        clean = validate_form(program, data, partial=False, for_child=False, today=TODAY)
    except FormInvalid as error:
        refusal = error
    if refusal is None:
        assert set(clean) <= set(VALID_FORM)
    else:
        assert refusal.fields, "a refusal must name the fields"
        assert all(messages for messages in refusal.fields.values())


@settings(max_examples=100, deadline=None)
@given(data=st.dictionaries(st.text(max_size=12), json_values, max_size=6))
def test_arbitrary_objects_never_crash_the_validator(data: dict[str, Any]) -> None:
    with contextlib.suppress(FormInvalid):
        validate_form(US, data, partial=True, for_child=False, today=TODAY)


@given(name=st.text(min_size=1, max_size=100).filter(lambda s: s.strip() and s.isprintable()))
def test_printable_names_within_the_limit_are_kept(name: str) -> None:
    clean = validate_form(US, {"family_name": name}, partial=True, for_child=False, today=TODAY)
    assert clean["family_name"] == name.strip()


def test_partial_drafts_skip_required_fields_but_not_formats() -> None:
    program = US
    assert validate_form(program, {}, partial=True, for_child=False, today=TODAY) == {}
    with pytest.raises(FormInvalid):
        validate_form(
            program, {"birth_date": "yesterday"}, partial=True, for_child=False, today=TODAY
        )
