"""Forms of the agreement pages: shape only; the rules are the services'."""

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.partners.models import HitField, QueryType
from apps.partners.services import Terms

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class TermsForm(forms.Form):
    purpose = forms.CharField(label=_("Purpose"), max_length=64)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=200)
    query_types = forms.MultipleChoiceField(
        label=_("Queries allowed"), choices=QueryType.choices, widget=forms.CheckboxSelectMultiple
    )
    hit_fields = forms.MultipleChoiceField(
        label=_("Fields a hit returns (none: hit / no-hit only)"),
        choices=HitField.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    rate_limit_per_minute = forms.IntegerField(
        label=_("Queries per minute at most"), min_value=1, max_value=10_000
    )
    starts_at = forms.DateTimeField(label=_("In force from"), widget=DATETIME_INPUT)
    ends_at = forms.DateTimeField(label=_("Until"), widget=DATETIME_INPUT)
    document = forms.FileField(label=_("The signed agreement (PDF)"))

    def terms(self) -> Terms:
        data: dict[str, Any] = self.cleaned_data
        return Terms(
            purpose=data["purpose"],
            legal_basis=data["legal_basis"],
            query_types=list(data["query_types"]),
            fields=list(data["hit_fields"]),
            rate_limit_per_minute=data["rate_limit_per_minute"],
            starts_at=_aware(data["starts_at"]),
            ends_at=_aware(data["ends_at"]),
            document=data["document"].read(),
        )


def _aware(value: dt.datetime) -> dt.datetime:
    return value if timezone.is_aware(value) else timezone.make_aware(value)


class NewAgreementForm(TermsForm):
    reference = forms.SlugField(
        label=_("Reference"), max_length=64, help_text=_("e.g. port-newark-2026")
    )
    organisation = forms.CharField(label=_("Partner organisation"), max_length=200)

    field_order = ["reference", "organisation"]


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Why is the agreement revoked?"), max_length=500)
