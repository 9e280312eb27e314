from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "apps.rights"
    label = "rights"
    default_auto_field = "django.db.models.BigAutoField"
