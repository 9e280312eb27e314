from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from apps.console.forms import PurposeForm
from apps.proofs.pdf import LAYOUTS

LAYOUT_LABELS = {"card": _("Card (two sides)"), "a4": _("A4 page")}
LAYOUT_CHOICES = [(layout, LAYOUT_LABELS[layout]) for layout in LAYOUTS]


def language_choices() -> list[tuple[str, Any]]:
    return list(settings.LANGUAGES)


class DownloadForm(forms.Form):
    """Which printable proof: the layout and the language."""

    layout = forms.ChoiceField(label=_("Layout"), choices=LAYOUT_CHOICES, initial="card")
    language = forms.ChoiceField(label=_("Language"), choices=language_choices)


class PrintForm(PurposeForm):
    """An officer prints a person's proof: the purpose (the name and photo are
    personal data, and the read is logged), then the layout and the language."""

    layout = forms.ChoiceField(label=_("Layout"), choices=LAYOUT_CHOICES, initial="card")
    language = forms.ChoiceField(label=_("Language"), choices=language_choices)


class VerifyForm(forms.Form):
    """A QR code to check: its text pasted, or a picture of it."""

    text = forms.CharField(
        label=_("QR text"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Paste the text a QR reader shows (it starts with RG1:)."),
    )
    image = forms.ImageField(
        label=_("Or a picture of the QR code"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("text") and not data.get("image"):
            raise forms.ValidationError(_("Paste the QR text or choose a picture of the QR code."))
        return data
