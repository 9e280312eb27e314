from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "apps.rights"
    label = "rights"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from apps.registrations.access import ERASURE_HOOKS
        from apps.registrations.casework import DECISION_GUARDS
        from apps.rights.sections import register_builtin_sections
        from apps.rights.services import (
            forget_sealed_requests,
            refuse_adverse_decision_during_claim,
        )

        if refuse_adverse_decision_during_claim not in DECISION_GUARDS:
            DECISION_GUARDS.append(refuse_adverse_decision_during_claim)
        if forget_sealed_requests not in ERASURE_HOOKS:
            ERASURE_HOOKS.append(forget_sealed_requests)
        register_builtin_sections()
