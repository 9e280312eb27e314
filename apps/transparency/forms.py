from django import forms
from django.utils.translation import gettext_lazy as _

from apps.transparency.counting import TABLE_TITLES, TABLES


class ReleaseForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        max_length=32,
        help_text=_("A month (2026-10), a year (2026) or months of one year (2026-01..2026-10)."),
    )
    epsilon = forms.CharField(
        label=_("Epsilon"),
        max_length=16,
        required=False,
        help_text=_("Leave empty for the standard epsilon per release."),
    )
    tables = forms.MultipleChoiceField(
        label=_("Tables"),
        choices=[(name, TABLE_TITLES[name]) for name in TABLES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every table."),
    )
