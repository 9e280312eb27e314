from django.apps import AppConfig


class BiometricsConfig(AppConfig):
    name = "apps.biometrics"
    label = "biometrics"
    default_auto_field = "django.db.models.BigAutoField"
