from django.apps import AppConfig


class BiometricsConfig(AppConfig):
    name = "apps.biometrics"
    label = "biometrics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Hooks keep the dependency pointing from biometrics to registrations: a case
        # with an unresolved duplicate candidate cannot be registered, and erasing a
        # person takes their templates out of every index.
        from apps.biometrics.hooks import forget_person, registration_guard
        from apps.registrations.access import ERASURE_HOOKS
        from apps.registrations.casework import DECISION_GUARDS

        if registration_guard not in DECISION_GUARDS:
            DECISION_GUARDS.append(registration_guard)
        if forget_person not in ERASURE_HOOKS:
            ERASURE_HOOKS.append(forget_person)
