from django import template

from apps.accounts.permissions import ROLE_LABELS, Role

register = template.Library()


@register.filter
def role_label(value: str) -> str:
    """A role code in the reader's language ("officer" → "Registration officer")."""
    try:
        return str(ROLE_LABELS[Role(value)])
    except ValueError:
        return value
