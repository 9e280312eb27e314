from django.apps import AppConfig


class ProofsConfig(AppConfig):
    name = "apps.proofs"
    label = "proofs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks
        from django.utils.translation import gettext_lazy as _

        from apps.proofs import hooks, keys
        from apps.registrations import casework
        from apps.registrations.access import ERASURE_HOOKS
        from apps.rights.sections import Section, register

        if hooks.on_transition not in casework.TRANSITION_HOOKS:
            casework.TRANSITION_HOOKS.append(hooks.on_transition)
        if hooks.on_address_change not in casework.ADDRESS_CHANGED_HOOKS:
            casework.ADDRESS_CHANGED_HOOKS.append(hooks.on_address_change)
        if hooks.on_erasure not in ERASURE_HOOKS:
            ERASURE_HOOKS.append(hooks.on_erasure)
        checks.register(keys.check_qr_size)
        register(Section("proofs", _("Proofs of registration"), hooks.subject_access_section, 45))
