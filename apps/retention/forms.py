"""Retention forms: they check shape only; the rules (which grounds a program allows)
are the services' and come back as DomainError fields."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.programs.loader import available_programs
from apps.retention.services import IMMEDIATE_GROUNDS

GROUND_LABELS = {
    "naturalisation": _("Naturalised"),
    "citizenship-confirmed": _("Citizenship confirmed (never had to register)"),
    "unlawful-storage": _("Storage found unlawful"),
    "court-order": _("Court order"),
}


class ExpungeForm(forms.Form):
    case_number = forms.CharField(
        label=_("Case number"),
        max_length=24,
        help_text=_("Any case of the person; every case of theirs is expunged."),
    )
    ground = forms.ChoiceField(
        label=_("Ground"), choices=[(g, GROUND_LABELS.get(g, g)) for g in IMMEDIATE_GROUNDS]
    )
    confirm = forms.BooleanField(
        label=_("I understand that this destroys the person's data for good, backups included."),
    )

    def clean_case_number(self) -> str:
        return str(self.cleaned_data["case_number"]).strip().upper()


class DryRunForm(forms.Form):
    program = forms.ChoiceField(label=_("Program"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["program"]).choices = [
            (p.slug, p.slug) for p in available_programs()
        ]
