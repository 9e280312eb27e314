from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class OutboxConfig(AppConfig):
    """Messages to people (e-mail now; SMS and letters later) as rows written in the
    transaction of the action that causes them, delivered by the task worker."""

    name = "apps.outbox"
    label = "outbox"
    verbose_name = "Outbox"

    def ready(self) -> None:
        # Each app declares the kinds of message it sends in its notifications.py.
        autodiscover_modules("notifications")
