"""Console forms. They parse and check shape only; the rules (which purposes, which
reasons, which moves) are the services' and come back as DomainError fields."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from apps.accounts.models import User
from apps.accounts.permissions import Role
from apps.appointments.references import normalize as normalize_reference
from apps.console.queries import (
    ASSIGNED_CHOICES,
    QUEUE_STATES,
    Cursor,
    QueueFilter,
    normalize_case_number,
)
from apps.programs.schema import Program, Purpose
from apps.registrations.case_numbers import is_well_formed
from apps.registrations.models import CaseState
from apps.registrations.reasons import DECISION_REASONS, Decision
from registry.errors import DomainError

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def show_errors(form: forms.Form, error: DomainError) -> None:
    """Put a service's refusal on the form: its message (what to fix) at the top, and
    each field's own message by that field."""
    form.add_error(None, error.message)
    for name, messages in error.fields.items():
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        choices=[(s.value, s.label) for s in QUEUE_STATES],
        required=False,
    )
    office = forms.CharField(label=_("Office code"), max_length=32, required=False)
    assigned = forms.ChoiceField(label=_("Assigned to"), choices=ASSIGNED_CHOICES, required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    after = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_office(self) -> str:
        return str(self.cleaned_data["office"]).strip()

    def clean_after(self) -> Cursor | None:
        token = str(self.cleaned_data["after"]).strip()
        if not token:
            return None
        try:
            return Cursor.decode(token)
        except ValueError as error:
            raise forms.ValidationError(
                _("This page link is broken. Start again from the first page."), code="cursor"
            ) from error

    def filters(self) -> QueueFilter:
        data = self.cleaned_data
        return QueueFilter(
            state=data["state"] or CaseState.SUBMITTED,
            office_code=data["office"],
            assigned=data["assigned"] or "",
            overdue_only=bool(data["overdue"]),
        )


class SearchForm(forms.Form):
    """One way of searching at a time: case number, name and birth date, document, or
    the reference of an appointment."""

    case_number = forms.CharField(label=_("Case number"), max_length=40, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=200, required=False)
    given_names = forms.CharField(label=_("Given names"), max_length=200, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE_INPUT)
    document_number = forms.CharField(
        label=_("Identity document number"), max_length=64, required=False
    )
    appointment_reference = forms.CharField(
        label=_("Appointment reference"),
        max_length=20,
        required=False,
        help_text=_("Six characters, as on the confirmation (for example K7M-4QP)."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        by_case = bool(data.get("case_number", "").strip())
        by_name = bool(data.get("family_name", "").strip() or data.get("birth_date"))
        by_document = bool(data.get("document_number", "").strip())
        by_reference = bool(data.get("appointment_reference", "").strip())
        chosen = [by_case, by_name, by_document, by_reference].count(True)
        if chosen == 0 and not self.errors:
            raise forms.ValidationError(_("Fill in one of the ways of searching."))
        if chosen > 1:
            raise forms.ValidationError(
                _(
                    "Search one way at a time: case number, name and birth date, document, "
                    "or appointment reference."
                )
            )
        if by_case and not is_well_formed(normalize_case_number(data["case_number"])):
            self.add_error(
                "case_number",
                _("This is not a case number: check each character (the last is a check)."),
            )
        if by_name and not (data.get("family_name", "").strip() and data.get("birth_date")):
            self.add_error(
                "family_name" if data.get("birth_date") else "birth_date",
                _("A name search needs the family name and the date of birth."),
            )
        if by_reference and len(normalize_reference(data["appointment_reference"])) != 7:
            self.add_error(
                "appointment_reference",
                _("A reference has six letters and digits, for example K7M-4QP."),
            )
        data["kind"] = (
            "case"
            if by_case
            else "name"
            if by_name
            else "reference"
            if by_reference
            else "document"
        )
        return data


class PurposeForm(forms.Form):
    """Why the officer opens the record: a purpose from the program's list (with its
    legal basis) and, where the program asks for one, a reference."""

    purpose = forms.ChoiceField(label=_("Purpose"), widget=forms.RadioSelect)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=200,
        required=False,
        help_text=_("The court order, request or agreement number, where the purpose needs one."),
    )

    def __init__(self, program: Program, language: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["purpose"]).choices = [
            (p.code, purpose_choice(program, p, language))
            for p in program.purposes
            if not p.audit_only
        ]


def purpose_choice(program: Program, purpose: Purpose, language: str) -> str:
    """A purpose as a choice reads: its label, legal basis and whether it needs a
    reference."""
    text = (
        _("%(purpose)s (legal basis: %(basis)s; a reference is required)")
        if purpose.requires_reference
        else _("%(purpose)s (legal basis: %(basis)s)")
    )
    return str(text) % {
        "purpose": program.text(purpose.label, language),
        "basis": purpose.legal_basis,
    }


class InterviewForm(forms.Form):
    document_checked = forms.BooleanField(
        label=_("I checked the identity document against the person"), required=False
    )
    notes = forms.CharField(
        label=_("Interview notes"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )


class DecisionForm(forms.Form):
    """One decision. Against the registrant it needs a reason from the shared table,
    which the registrant reads in their language with how to respond."""

    decision = forms.ChoiceField(choices=[(d.value, d.value) for d in Decision])
    reason_code = forms.ChoiceField(label=_("Reason the registrant will read"), required=False)
    note = forms.CharField(
        label=_("Internal note (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, decision: Decision, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].initial = decision.value
        self.fields["decision"].widget = forms.HiddenInput()
        cast(forms.ChoiceField, self.fields["reason_code"]).choices = [("", "—")] + [
            (code, reason.label)
            for code, reason in DECISION_REASONS.items()
            if decision in reason.decisions
        ]


def reasons_as_read(language: str) -> list[tuple[str, str, str]]:
    """Every decision reason as the registrant will read it, in their language:
    (code, reason, how to respond)."""
    with override(language):
        return [
            (code, str(reason.label), str(reason.how_to_respond))
            for code, reason in DECISION_REASONS.items()
        ]


class OfficerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_username())


class AssignForm(forms.Form):
    officer = OfficerField(
        label=_("Officer"),
        queryset=User.objects.filter(
            role__in=[Role.OFFICER.value, Role.SUPERVISOR.value], is_active=True
        ).order_by("username"),
        required=False,
        empty_label=_("Nobody (back to the shared queue)"),
    )


class DepartureForm(forms.Form):
    departed_on = forms.DateField(label=_("Date of departure"), widget=DATE_INPUT)
    port = forms.CharField(label=_("Port of departure"), max_length=100)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
