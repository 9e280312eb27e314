"""The messages the accounts app sends (apps/outbox): the activation link and the
password-reset link. Both are made when the message is sent, never stored."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.outbox import kinds
from apps.outbox.kinds import Composed, Gone
from apps.outbox.models import Message

ACTIVATION = "accounts.activation"
PASSWORD_RESET = "accounts.password_reset"  # noqa: S105 - a message kind


def _account(message: Message) -> User:
    user = User.objects.filter(pk=message.params.get("user_id")).first()
    if user is None or user.email != message.recipient:
        raise Gone("the account is gone or its address changed")
    return user


@kinds.kind(ACTIVATION)
def activation(message: Message) -> Composed:
    from apps.accounts.services import verification_url

    user = _account(message)
    if user.email_verified_at is not None:
        raise Gone("the account is active already")
    return Composed(
        subject=_("Confirm your e-mail address for Registry"),
        body=render_to_string("accounts/email/verify.txt", {"url": verification_url(user)}),
    )


@kinds.kind(PASSWORD_RESET)
def password_reset(message: Message) -> Composed:
    user = _account(message)
    if not user.is_active or not user.has_usable_password():
        raise Gone("the account cannot reset its password")
    link = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return Composed(
        subject=_("Reset your Registry password"),
        body=render_to_string(
            "registration/password_reset_email.txt",
            {"link": settings.SITE_URL + link},
        ),
    )
