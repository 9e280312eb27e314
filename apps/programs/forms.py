from django import forms
from django.utils.translation import gettext_lazy as _


class ApproveForm(forms.Form):
    """The approver confirms the digest of the text they read: approving "the proposal"
    without it could approve a text they never saw."""

    digest = forms.RegexField(
        label=_("SHA-256 digest of the text you read"),
        regex=r"^\s*[0-9a-fA-F]{64}\s*$",
        max_length=80,
        help_text=_("Copy it from above the text. It names exactly one text."),
        error_messages={"invalid": _("A digest is 64 hexadecimal characters.")},
    )
    read = forms.BooleanField(
        label=_("I have read the whole text and the check's warnings."), required=True
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why is this text declined?"), max_length=500)
