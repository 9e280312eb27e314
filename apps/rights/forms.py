"""Forms of the rights pages (the registrant's requests and the staff decisions)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.registrations.forms import DateInput
from apps.rights.evidence import MAX_EVIDENCE_BYTES
from apps.rights.models import Outcome
from apps.rights.reasons import CLAIM_REASONS, REDRESS_REASONS

EVIDENCE_HELP = _("Optional. A PNG or JPEG photo or a PDF, at most 5 MB.")


class EvidenceField(forms.FileField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label=_("Evidence"),
            required=False,
            help_text=EVIDENCE_HELP,
            widget=forms.ClearableFileInput(
                attrs={"accept": "image/png,image/jpeg,application/pdf"}
            ),
            **kwargs,
        )


def evidence_bytes(form: forms.Form) -> bytes | None:
    """The uploaded file's bytes, read at most one byte past the limit (the service
    refuses anything larger)."""
    upload = form.cleaned_data.get("evidence")
    return upload.read(MAX_EVIDENCE_BYTES + 1) if upload else None


class CorrectionForm(forms.Form):
    field_name = forms.ChoiceField(label=_("What is wrong"))
    proposed_value = forms.CharField(
        label=_("What it should say"),
        max_length=4000,
        required=False,
        help_text=_(
            "Dates as YYYY-MM-DD; countries as two-letter codes (e.g. LB); "
            "yes or no for a yes/no question; one alias per line."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    explanation = forms.CharField(
        label=_("Why (optional)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    evidence = EvidenceField()

    def __init__(self, fields: list[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field_name"].choices = [("", "—"), *fields]  # type: ignore[attr-defined]


class ComplaintForm(forms.Form):
    text = forms.CharField(
        label=_("What went wrong"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6})
    )
    evidence = EvidenceField()


class ClaimForm(forms.Form):
    statement = forms.CharField(
        label=_("Why you are (or the person is) a US citizen"),
        help_text=_(
            "For example: born in the United States, naturalised on a date, "
            "a citizen parent. Add a copy of a passport or certificate if you can."
        ),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    evidence = EvidenceField()


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    reason_code = forms.ChoiceField(
        label=_("Reason the person will read"),
        choices=[(code, str(label)) for code, (label, _o) in REDRESS_REASONS.items()],
    )
    corrected_value = forms.CharField(
        label=_("Value the record should hold (only when partly accepting)"),
        max_length=4000,
        required=False,
    )
    note = forms.CharField(
        label=_("Note to the person (optional)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HoldForm(forms.Form):
    case_number = forms.CharField(label=_("Case number"), max_length=24)
    entry_ids = forms.CharField(
        label=_("Entries of the person's log (ids, separated by commas)"),
        max_length=2000,
        required=False,
    )
    reference = forms.CharField(
        label=_("…or every entry logged under this reference"), max_length=200, required=False
    )
    reason = forms.CharField(
        label=_("Law-enforcement reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    ends_on = forms.DateField(label=_("Hold until (at most a year)"), widget=DateInput)

    def clean_entry_ids(self) -> list[int]:
        raw = self.cleaned_data.get("entry_ids") or ""
        try:
            return [int(part) for part in raw.replace(" ", "").split(",") if part]
        except ValueError:
            raise forms.ValidationError(_("Entry ids are whole numbers.")) from None


class RenewHoldForm(forms.Form):
    reason = forms.CharField(
        label=_("New reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    ends_on = forms.DateField(label=_("Hold until (at most a year from today)"), widget=DateInput)


class ResolveClaimForm(forms.Form):
    confirmed = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Citizenship confirmed: expunge the record")), ("0", _("Not confirmed"))],
        coerce=lambda v: v == "1",
    )
    reason_code = forms.ChoiceField(
        label=_("Reason the person will read (when not confirmed)"),
        choices=[("", "—")]
        + [(c, str(label)) for c, label in CLAIM_REASONS.items() if c != "citizenship-confirmed"],
        required=False,
    )


def parse_value(kind: str, raw: str) -> Any:
    """A value typed on the page as the form stores it (the service then checks it)."""
    text = raw.strip()
    if kind == "boolean":
        return {"yes": True, "sí": True, "si": True, "true": True, "no": False, "false": False}.get(
            text.lower(), text
        )
    if kind == "text_list":
        return [line.strip() for line in text.splitlines() if line.strip()]
    if kind == "country":
        return text.upper()
    return text
