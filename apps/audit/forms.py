"""The auditor's console forms: shape only; the purpose is checked against the person's
program by apps.audit.inspection."""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from apps.console.forms import purpose_choice
from apps.programs.loader import get_program
from apps.programs.schema import Purpose

MAX_ENTRY_ID = 2**63 - 1


def _purpose_choices(purposes: list[Purpose], language: str) -> list[tuple[str, str]]:
    program = get_program(settings.REGISTRY_DEFAULT_PROGRAM)
    return [(p.code, purpose_choice(program, p, language)) for p in purposes]


class PurposeFields(forms.Form):
    """Why the auditor looks: a purpose from the programs' lists, and a reference where
    it needs one."""

    purpose = forms.ChoiceField(label=_("Purpose"), widget=forms.RadioSelect)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=200,
        required=False,
        # It is written into the log as given: no control characters or line breaks.
        validators=[
            RegexValidator(
                r"[\x00-\x1f\x7f]",
                inverse_match=True,
                message=_("Remove control characters and line breaks."),
            )
        ],
        help_text=_("The complaint, request or court order number, where the purpose needs one."),
    )

    def __init__(self, purposes: list[Purpose], language: str, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["purpose"])
        field.choices = _purpose_choices(purposes, language)
        oversight = next((p.code for p in purposes if p.audit_only), None)
        field.initial = oversight


class LogSearchForm(PurposeFields):
    """Search the log by case number (every entry about its person) or open one entry."""

    case_number = forms.CharField(label=_("Case number"), max_length=40, required=False)
    entry_id = forms.IntegerField(
        label=_("Entry number"), min_value=1, max_value=MAX_ENTRY_ID, required=False
    )

    field_order = ["case_number", "entry_id", "purpose", "reference"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        by_case = bool(str(data.get("case_number") or "").strip())
        by_entry = data.get("entry_id") is not None
        if by_case == by_entry and not self.errors:
            raise forms.ValidationError(_("Give a case number or an entry number (one of them)."))
        data["kind"] = "case" if by_case else "entry"
        return data
