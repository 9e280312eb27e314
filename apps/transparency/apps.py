from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


class TransparencyConfig(AppConfig):
    name = "apps.transparency"
    label = "transparency"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        checks.register(check_privacy_settings)


def check_privacy_settings(**_kwargs: Any) -> list[checks.CheckMessage]:
    """Refuse to start with STATISTICS_* settings that cannot work (`manage.py check`,
    runserver and migrate report it), rather than at the first release."""
    from apps.transparency.noise import current_policy

    try:
        current_policy()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="transparency.E001")]
    return []
