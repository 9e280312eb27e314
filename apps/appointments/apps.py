from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "apps.appointments"
    label = "appointments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from apps.appointments.reregistration import book_reregistration_appointment
        from apps.registrations.reregistration import OPENED_HOOKS

        if book_reregistration_appointment not in OPENED_HOOKS:
            OPENED_HOOKS.append(book_reregistration_appointment)
