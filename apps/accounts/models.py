from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.permissions import ROLE_PERMISSIONS, Permission, Role


class User(AbstractUser):
    """An account. Personal data about a registrant lives in the registrations app,
    encrypted per person; the account holds only what signing in needs."""

    email = models.EmailField(_("e-mail address"), unique=True)
    role = models.CharField(
        max_length=32,
        choices=[(r.value, r.label) for r in Role],
        default=Role.REGISTRANT.value,
    )
    email_verified_at = models.DateTimeField(null=True, blank=True)
    preferred_language = models.CharField(max_length=8, default="en")

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def has_registry_permission(self, permission: Permission) -> bool:
        return self.is_active and permission in ROLE_PERMISSIONS[self.role_enum]
