from django.apps import AppConfig


class ProofsConfig(AppConfig):
    name = "apps.proofs"
    label = "proofs"
    default_auto_field = "django.db.models.BigAutoField"
