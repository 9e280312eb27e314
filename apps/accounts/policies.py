"""The one place that decides authorization.

Every view and endpoint calls `authorize(user, permission, obj)` before it does
anything else. Refusals are `PermissionDenied` (HTTP 403) when the user lacks the
permission and `Http404` when the permission exists but the object is not theirs, so a
registrant cannot even learn that someone else's case number exists.
"""

from typing import Protocol

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.permissions import STAFF_ROLES, Permission


class SecondFactorRequired(PermissionDenied):
    """A staff member signed in with a password only; pages send them to the
    authenticator step (apps.console), the API answers 403 with this message."""


def _second_factor_passed(user: User) -> bool:
    # django-otp's middleware sets is_verified() from the session's confirmed device.
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


class Owned(Protocol):
    def is_owned_by(self, user: User) -> bool: ...


def authorize(user: User | AnonymousUser, permission: Permission, obj: Owned | None = None) -> User:
    """Return the user if they hold `permission` (and own `obj` for `own` scopes).

    Raises PermissionDenied when the role lacks the permission (or nobody is signed in),
    Http404 when the object belongs to someone else.
    """
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied(_("Sign in first."))
    if not user.has_registry_permission(permission):
        raise PermissionDenied(
            _("Your role (%(role)s) does not allow %(permission)s.")
            % {"role": user.role_enum.label, "permission": permission.value}
        )
    if user.role_enum in STAFF_ROLES and not _second_factor_passed(user):
        raise SecondFactorRequired(
            _("Staff must confirm a second factor (an authenticator code) in this session.")
        )
    if obj is not None and ":own:" in permission.value and not obj.is_owned_by(user):
        raise Http404(_("No such record."))
    return user
