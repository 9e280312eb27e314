from django.apps import AppConfig


class BiometricsConfig(AppConfig):
    name = "apps.biometrics"
    label = "biometrics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Hooks keep the dependency pointing from biometrics to registrations: a case
        # with an unresolved duplicate candidate cannot be registered, and erasing a
        # person takes their templates out of every index.
        from django.utils.translation import gettext_lazy as _

        from apps.biometrics.hooks import (
            forget_person,
            registration_guard,
            subject_access_section,
        )
        from apps.registrations.access import ERASURE_HOOKS
        from apps.registrations.casework import DECISION_GUARDS
        from apps.rights.sections import Section, register

        if registration_guard not in DECISION_GUARDS:
            DECISION_GUARDS.append(registration_guard)
        if forget_person not in ERASURE_HOOKS:
            ERASURE_HOOKS.append(forget_person)
        register(Section("biometrics", _("Photo and fingerprints"), subject_access_section, 40))
