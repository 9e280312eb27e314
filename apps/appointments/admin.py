"""Administrators define offices, their opening hours and closures here.

Bookings are not editable here: they change only through `services.py`, which keeps
the slot counts, the case state and the audit log in step."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.appointments.models import Closure, Office, OpeningHours, Slot


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "region",
        "timezone",
        "slot_minutes",
        "capacity_per_slot",
        "active",
    )
    list_filter = ("active", "region")
    search_fields = ("code", "name", "region")
    inlines = (OpeningHoursInline, ClosureInline)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Offices with appointments are kept for the record; close them with "active".
        return False


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    """Slots show how full each booked time is. Only the capacity may change (the
    database refuses one below the places already taken)."""

    list_display = ("office", "starts_at", "booked", "capacity")
    list_filter = ("office",)
    date_hierarchy = "starts_at"
    readonly_fields = ("office", "starts_at", "booked")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
