"""Page forms: the eligibility questions and the conversion of the registration page's
POST data into the same JSON shape the API takes, so one validator checks both."""

import datetime as dt
import functools
import gettext
from collections.abc import Callable
from typing import Any

import pycountry
from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from apps.programs.eligibility import EligibilityAnswers
from apps.programs.schema import FieldType, Program

ADDRESS_PARTS = ("line1", "line2", "city", "region", "postal_code", "country", "from", "to")
BLANK_ADDRESS_ROWS = 2


@functools.cache
def countries(language: str) -> list[tuple[str, str]]:
    """ISO 3166 countries with names in `language` (pycountry ships the catalogues)."""
    catalogue: Callable[[str], str]
    try:
        catalogue = gettext.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=[language]
        ).gettext
    except FileNotFoundError:
        catalogue = str
    names = [(c.alpha_2, catalogue(c.name)) for c in pycountry.countries]
    return sorted(names, key=lambda item: item[1])


class DateInput(forms.DateInput):
    input_type = "date"


class EligibilityForm(forms.Form):
    """The program's eligibility questions. Built from the program file, so a new
    program needs no new form code."""

    def __init__(self, program: Program, language: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.program = program
        text = functools.partial(program.text, language=language)
        yes_no = [("no", _("No")), ("yes", _("Yes"))]
        for question in program.eligibility.questions:
            label, help_text = text(question.label), text(question.help) if question.help else ""
            field: forms.Field
            if question.code == "is_citizen":
                field = forms.ChoiceField(choices=yes_no, widget=forms.RadioSelect)
            elif question.code in {"birth_date", "arrival_date"}:
                field = forms.DateField(widget=DateInput)
            elif question.code == "documents":
                field = forms.MultipleChoiceField(
                    choices=[(d.code, text(d.name)) for d in program.documents],
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                )
            elif question.code == "exemption":
                field = forms.ChoiceField(
                    choices=[("", _("None of these"))]
                    + [(e.code, text(e.reason)) for e in program.exemptions],
                    required=False,
                )
            else:  # nationality
                field = forms.ChoiceField(choices=[("", "—"), *countries(language)])
            field.label, field.help_text = label, help_text
            self.fields[question.code] = field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        birth, arrival = data.get("birth_date"), data.get("arrival_date")
        today = dt.date.today()  # noqa: DTZ011 - a calendar date, compared with dates
        if birth and birth > today:
            self.add_error("birth_date", _("This date is in the future."))
        if arrival and arrival > today:
            self.add_error("arrival_date", _("This date is in the future."))
        if birth and arrival and arrival < birth:
            self.add_error("arrival_date", _("The arrival date is before the date of birth."))
        return data

    def answers(self) -> EligibilityAnswers:
        data = self.cleaned_data
        return EligibilityAnswers(
            is_citizen=data.get("is_citizen") == "yes",
            birth_date=data["birth_date"],
            arrival_date=data.get("arrival_date"),
            documents=tuple(data.get("documents") or ()),
            exemption=data.get("exemption") or None,
            nationality=data.get("nationality") or None,
        )


def data_from_post(program: Program, post: QueryDict) -> dict[str, Any]:
    """Turn the page's POST into the API's JSON shape (strings, lists, booleans)."""
    data: dict[str, Any] = {}
    for field in program.form.fields():
        name = field.name
        if field.type is FieldType.BOOLEAN:
            raw = post.get(name)
            data[name] = {"yes": True, "on": True, "no": False}.get(raw or "")
            if field.meaning == "oath" and raw is None:
                data[name] = False
        elif field.type is FieldType.TEXT_LIST:
            data[name] = [line.strip() for line in post.get(name, "").splitlines() if line.strip()]
        elif field.type is FieldType.ADDRESS_HISTORY:
            data[name] = _addresses_from_post(name, post, field.max_items)
        else:
            data[name] = post.get(name, "")
    return data


def _addresses_from_post(name: str, post: QueryDict, limit: int) -> list[dict[str, str]]:
    rows = []
    for i in range(limit):
        row = {part: post.get(f"{name}-{i}-{part}", "").strip() for part in ADDRESS_PARTS}
        if any(row.values()):
            rows.append({k: v for k, v in row.items() if v})
    return rows


def sections_for_page(
    program: Program,
    language: str,
    values: dict[str, Any],
    errors: dict[str, list[str]],
    *,
    for_child: bool = False,
) -> list[dict[str, Any]]:
    """Everything the template needs to draw the form, in the person's language, and
    worded about the child when a parent or guardian files for one."""
    sections = []
    for section in program.form.sections:
        fields = []
        for field in section.fields:
            value = values.get(field.name)
            entry: dict[str, Any] = {
                "name": field.name,
                "type": field.type.value,
                "meaning": field.meaning or "",
                "label": program.field_label(field, language, for_child=for_child),
                "help": program.field_help(field, language, for_child=for_child),
                "required": field.required,
                "max_length": field.max_length,
                "value": value,
                "errors": [
                    m for path, ms in errors.items() if _under(path, field.name) for m in ms
                ],
                "choices": [(c.code, program.text(c.label, language)) for c in field.choices],
            }
            if field.type is FieldType.TEXT_LIST:
                entry["value"] = "\n".join(value or [])
            if field.type is FieldType.ADDRESS_HISTORY:
                rows = list(value or [])
                rows += [{}] * min(BLANK_ADDRESS_ROWS, field.max_items - len(rows))
                entry["rows"] = rows
            fields.append(entry)
        sections.append(
            {
                "key": section.key,
                "title": program.section_title(section, language, for_child=for_child),
                "fields": fields,
            }
        )
    return sections


def _under(path: str, name: str) -> bool:
    return path == name or path.startswith(f"{name}[") or path.startswith(f"{name}.")
