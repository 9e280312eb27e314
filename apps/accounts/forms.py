from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.accounts.permissions import Role


class SignupForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    role = forms.ChoiceField(
        label=_("I am signing up"),
        choices=[
            (Role.REGISTRANT.value, _("to register myself (and any children)")),
            (Role.GUARDIAN.value, _("only to register a child in my care")),
        ],
        initial=Role.REGISTRANT.value,
        widget=forms.RadioSelect,
    )


class EmailAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "inactive": _(
            "This account is not active yet. Follow the link in the e-mail we sent you "
            "when you signed up."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail address")

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()

    def confirm_login_allowed(self, user: Any) -> None:
        if isinstance(user, User) and not user.is_active:
            raise forms.ValidationError(self.error_messages["inactive"], code="inactive")


class ResendActivationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)


class ResetOrActivateForm(PasswordResetForm):
    """Django's password-reset form, sending through the outbox: a reset link to an
    active account, the activation link to an account never activated."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        from apps.accounts.services import request_password_reset

        request_password_reset(self.cleaned_data["email"])
