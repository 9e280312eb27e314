"""An opened registration form, laid out for reading: the program's own sections and
labels in the officer's language, codes turned into words. Works on values that
`apps.registrations.access` already decrypted and logged; it opens nothing itself."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from apps.programs.schema import FieldType, FormField, Program
from apps.registrations.forms import countries


@dataclass(frozen=True)
class Answer:
    label: str
    lines: list[str]


@dataclass(frozen=True)
class Section:
    title: str
    answers: list[Answer]


def answers_by_section(program: Program, form: dict[str, Any], language: str) -> list[Section]:
    """The answers in the order of the program's form, with unanswered fields left out."""
    country_names = dict(countries(language))
    sections = []
    for section in program.form.sections:
        answers = [
            Answer(program.text(field.label, language), lines)
            for field in section.fields
            if (lines := _lines(program, field, form.get(field.name), language, country_names))
        ]
        if answers:
            sections.append(Section(program.text(section.title, language), answers))
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


def _address(item: dict[str, Any], country_names: dict[str, str]) -> str:
    parts = [item.get(key, "") for key in ("line1", "line2", "city", "region", "postal_code")] + [
        country_names.get(item.get("country", ""), item.get("country", ""))
    ]
    place = ", ".join(str(p) for p in parts if p)
    return _("%(place)s (from %(start)s to %(end)s)") % {
        "place": place,
        "start": item.get("from", "?"),
        "end": item.get("to") or _("now"),
    }
