"""Account workflows: sign-up with e-mail verification.

A new account stays inactive until its owner follows the link we e-mail, so nobody
can file under an address they do not control. The e-mail is sent by a background
task after the account row commits (never for a rolled-back sign-up)."""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.permissions import SELF_SERVICE_ROLES, Role
from registry.errors import Conflict, FormInvalid

_SALT = "registry.accounts.verify-email"


class EmailTaken(Conflict):
    code = "email_taken"


def signup(*, email: str, password: str, role: Role, language: str) -> User:
    """Create an inactive account and e-mail its verification link.

    Raises FormInvalid for a weak password or a role people cannot give themselves,
    EmailTaken when the address already has an account."""
    from apps.accounts.tasks import send_verification_email

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
        transaction.on_commit(lambda: send_verification_email.enqueue(user.pk))
    return user


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
            _("This verification link is invalid or has expired. Sign up again for a new one.")
        ) from exc
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.is_active = True
        user.save(update_fields=["email_verified_at", "is_active"])
    return user
