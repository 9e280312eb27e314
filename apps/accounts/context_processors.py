from django.http import HttpRequest

from apps.accounts.models import User
from apps.accounts.permissions import ROLE_PERMISSIONS, Role


def role(request: HttpRequest) -> dict[str, object]:
    """Lets templates show only the links the signed-in role may follow."""
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_authenticated:
        perms = {p.value.replace(":", "_") for p in ROLE_PERMISSIONS[Role(user.role)]}
        return {"registry_role": user.role, "registry_perms": perms}
    return {"registry_role": None, "registry_perms": set()}
