"""Account workflows: sign-up with e-mail verification, a new activation link, and a
password reset (which sends the activation link to an account not yet activated).

A new account stays inactive until its owner follows the link we e-mail, so nobody
can file under an address they do not control. The activation message is an outbox
row written in the sign-up's own transaction: the account and its message commit
together, and a crash can no longer leave an account whose link was never sent."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.notifications import ACTIVATION, PASSWORD_RESET
from apps.accounts.permissions import SELF_SERVICE_ROLES, Role
from apps.outbox import services as outbox
from registry.errors import Conflict, FormInvalid

_SALT = "registry.accounts.verify-email"


class EmailTaken(Conflict):
    code = "email_taken"


def signup(*, email: str, password: str, role: Role, language: str) -> User:
    """Create an inactive account and e-mail its verification link.

    Raises FormInvalid for a weak password or a role people cannot give themselves,
    EmailTaken when the address already has an account."""
    email = User.objects.normalize_email(email).strip().lower()
    if role not in SELF_SERVICE_ROLES:
        raise FormInvalid(
            _("Choose registrant or guardian; staff accounts are made by an administrator."),
            fields={"role": [_("Not a self-service role.")]},
        )
    candidate = User(username=email, email=email, role=role.value)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise FormInvalid(
            _("Choose a stronger password."), fields={"password": list(exc.messages)}
        ) from exc
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise EmailTaken(
                _("An account with this e-mail exists. Sign in or reset your password."),
                fields={"email": [_("Already registered.")]},
            )
        user = User.objects.create_user(
            username=email,
            email=email,
            password=password,
            role=role.value,
            is_active=False,
            preferred_language=language,
        )
        queue_activation(user)
    return user


def queue_activation(user: User) -> None:
    """Put the activation message in the outbox, in the caller's transaction."""
    _queue_for(user, ACTIVATION)


def _queue_for(user: User, kind: str) -> None:
    # Ids only: the link is made when the message is sent (apps/accounts/notifications.py).
    params = {"user_id": user.pk}
    outbox.queue(
        kind, recipient=user.email, language=user.preferred_language, user=user, params=params
    )


def _may_send_to(user: User) -> bool:
    """At most ACCOUNT_MESSAGES_PER_HOUR activation and reset messages an hour per
    account, whoever asks: nobody can flood a person's mailbox through us."""
    recent = outbox.sent_recently((ACTIVATION, PASSWORD_RESET), user, dt.timedelta(hours=1))
    return recent.count() < settings.ACCOUNT_MESSAGES_PER_HOUR


def _account_for(email: str) -> User | None:
    address = User.objects.normalize_email(email).strip().lower()
    return User.objects.select_for_update().filter(email__iexact=address).first()


@transaction.atomic
def resend_activation(email: str) -> None:
    """Send a new activation link to the account at `email` if it waits for one.

    Answers nothing either way (the caller shows the same page whether or not the
    address has an account) and sends nothing past the per-account hourly limit."""
    user = _account_for(email)
    if user is not None and _awaits_activation(user) and _may_send_to(user):
        queue_activation(user)


@transaction.atomic
def request_password_reset(email: str) -> None:
    """Send a password-reset link to the active account at `email`; to an account
    never activated, send the activation link instead (its owner may never have got
    it). Sends nothing to an unknown address, to an account an administrator
    deactivated, or past the per-account hourly limit; answers nothing either way."""
    user = _account_for(email)
    if user is None or not _may_send_to(user):
        return
    if _awaits_activation(user):
        queue_activation(user)
    elif user.is_active and user.has_usable_password():
        _queue_for(user, PASSWORD_RESET)


def _awaits_activation(user: User) -> bool:
    return not user.is_active and user.email_verified_at is None


def verification_token(user: User) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=_SALT)


def verification_url(user: User) -> str:
    from django.urls import reverse

    return settings.SITE_URL + reverse("accounts:verify", args=[verification_token(user)])


@transaction.atomic
def verify_email(token: str) -> User:
    """Activate the account the token was made for. Idempotent; raises FormInvalid
    for an expired, forged or stale token (e.g. the e-mail has changed since)."""
    try:
        body = signing.loads(token, salt=_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE_SECONDS)
        user = User.objects.select_for_update().get(pk=body["user"], email=body["email"])
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError) as exc:
        raise FormInvalid(
            _(
                "This verification link is invalid or has expired. Ask for a new "
                "activation link below."
            )
        ) from exc
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.is_active = True
        user.save(update_fields=["email_verified_at", "is_active"])
    return user
