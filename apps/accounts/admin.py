from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from apps.accounts.models import User


@admin.register(User)
class RegistryUserAdmin(UserAdmin):
    """Administrators manage accounts and roles here. No personal data of registrants
    is registered in the admin: it is only reachable through the logging services."""

    list_display = ("email", "role", "is_active", "email_verified_at", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("email",)
    ordering = ("email",)
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Registry", {"fields": ("role", "email_verified_at", "preferred_language")}),
    )
