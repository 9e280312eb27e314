"""An opened registration form, laid out for reading: the program's own sections and
labels in the officer's language, codes turned into words. Works on values that
`apps.registrations.access` already decrypted and logged; it opens nothing itself."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from apps.accounts.permissions import SELF_SERVICE_ROLES
from apps.programs.schema import FieldType, FormField, Program
from apps.registrations.access import ReportedMove
from apps.registrations.forms import countries

SELF_ROLES = {role.value for role in SELF_SERVICE_ROLES}


@dataclass(frozen=True)
class Answer:
    label: str
    lines: list[str]


@dataclass(frozen=True)
class Section:
    title: str
    answers: list[Answer]


def answers_by_section(
    program: Program, form: dict[str, Any], language: str, *, for_child: bool = False
) -> list[Section]:
    """The answers in the order of the program's form, with unanswered fields left out;
    a child's filing reads as being about the child."""
    country_names = dict(countries(language))
    sections = []
    for section in program.form.sections:
        answers = [
            Answer(program.field_label(field, language, for_child=for_child), lines)
            for field in section.fields
            if (lines := _lines(program, field, form.get(field.name), language, country_names))
        ]
        if answers:
            title = program.section_title(section, language, for_child=for_child)
            sections.append(Section(title, answers))
    return sections


def _lines(
    program: Program, field: FormField, value: Any, language: str, country_names: dict[str, str]
) -> list[str]:
    if value is None or value in ("", []):
        return []
    if field.type is FieldType.TEXT_LIST:
        return [str(item) for item in value]
    if field.type is FieldType.ADDRESS_HISTORY:
        return [_address(item, country_names) for item in value]
    return [_one_value(program, field, value, language, country_names)]


def _one_value(
    program: Program, field: FormField, value: Any, language: str, country_names: dict[str, str]
) -> str:
    if field.type is FieldType.BOOLEAN:
        return _("Yes") if value else _("No")
    if field.type is FieldType.COUNTRY:
        return country_names.get(str(value), str(value))
    if field.type is FieldType.CHOICE:
        labels = {c.code: program.text(c.label, language) for c in field.choices}
        return labels.get(str(value), str(value))
    return str(value)


def _place(item: dict[str, Any], country_names: dict[str, str]) -> str:
    parts = [item.get(key, "") for key in ("line1", "line2", "city", "region", "postal_code")] + [
        country_names.get(item.get("country", ""), item.get("country", ""))
    ]
    return ", ".join(str(p) for p in parts if p)


def _address(item: dict[str, Any], country_names: dict[str, str]) -> str:
    place = _place(item, country_names)
    return _("%(place)s (from %(start)s to %(end)s)") % {
        "place": place,
        "start": item.get("from", "?"),
        "end": item.get("to") or _("now"),
    }


@dataclass(frozen=True)
class Move:
    """A reported move as the record page shows it."""

    place: str
    moved_on: dt.date
    reported_at: dt.datetime
    days_to_report: int
    late: bool
    by: str


@dataclass(frozen=True)
class Addresses:
    """Where the person lives now (the newest reported move, else the address given
    at filing) and every move reported since filing, newest first."""

    current: str
    since: str
    reported: bool
    moves: list[Move]


def addresses_for_reading(
    program: Program, form: dict[str, Any], moves: list[ReportedMove], language: str
) -> Addresses:
    """`form` is the opened filing of this case, `moves` what `read_addresses` opened."""
    country_names = dict(countries(language))
    shown = [
        Move(
            place=_place(move.address or {}, country_names),
            moved_on=move.moved_on,
            reported_at=move.reported_at,
            days_to_report=move.days_to_report,
            late=move.late,
            by=_("the registrant") if move.reported_by_role in SELF_ROLES else _("an officer"),
        )
        for move in moves
    ]
    if shown:
        newest = shown[0]
        return Addresses(newest.place, newest.moved_on.isoformat(), True, shown)
    history = program.form.field_with_meaning("address_history")
    filed = list(form.get(history.name) or []) if history else []
    # The address with no end date is where the person lived when they filed.
    current = next((item for item in filed if not item.get("to")), filed[0] if filed else None)
    if current is None:
        return Addresses("", "", False, [])
    return Addresses(_place(current, country_names), str(current.get("from", "")), False, [])
