"""Finding a case for a request, with its authorization, the same way everywhere."""

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import get_object_or_404

from apps.accounts.models import User
from apps.accounts.permissions import Permission
from apps.accounts.policies import authorize
from apps.registrations.models import Registration


def case_for(
    user: User | AnonymousUser, permission: Permission, case_number: str
) -> tuple[User, Registration]:
    """The case with this number, for a user allowed `permission` on it.

    The role is checked before the case is looked up, so a role without the
    permission learns nothing about which case numbers exist (403); then Http404 for
    an unknown number or someone else's case."""
    authorize(user, permission)
    registration = get_object_or_404(
        Registration.objects.select_related("person"), case_number=case_number.upper()
    )
    return authorize(user, permission, registration), registration
