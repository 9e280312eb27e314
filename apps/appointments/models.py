"""Offices, their hours and closures, slots and bookings.

An office's free times are computed from its opening hours and closures; a `Slot` row
is created only when someone books it. Its unique (office, starts_at) gives every
bookable time exactly one row to lock, so concurrent bookers queue on that row, and its
check constraint makes the database itself refuse an overbooked slot.
"""

import datetime as dt
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.registrations.models import Registration


def validate_timezone(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            _("Unknown time zone %(name)s; use an IANA name such as America/New_York."),
            params={"name": name},
        ) from error


class Office(models.Model):
    """A place where biometrics are taken. Defined by an administrator (Django admin)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.CharField(
        _("region"),
        max_length=16,
        blank=True,
        db_index=True,
        help_text=_("State or region code (for example NJ), so registrants can filter."),
    )
    address = models.TextField(_("address"))
    timezone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_timezone]
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("minutes per slot"), default=15, validators=[MinValueValidator(5)]
    )
    capacity_per_slot = models.PositiveSmallIntegerField(
        _("people per slot"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Applies to slots booked from now on; booked slots keep their capacity."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5), name="appointment_office_slot_minutes"
            ),
            models.CheckConstraint(
                condition=Q(capacity_per_slot__gte=1), name="appointment_office_capacity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """One opening period on a weekday, in the office's local time. Several periods on
    one day model a lunch break."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")),
                name="appointment_hours_close_after_open",
                violation_error_message=_("The closing time must be after the opening time."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Closure(models.Model):
    """A day the office is closed (a holiday, a move): no slot is offered that day.
    Appointments already booked that day are not moved automatically."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "date"],
                name="appointment_closure_day",
                violation_error_message=_("This office is already closed on that day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office.code} closed {self.date}"


class Slot(models.Model):
    """A bookable time at an office, created the first time someone books it."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="slots")
    starts_at = models.DateTimeField()
    # Copied from the office when the row is made, so a later change of the office's
    # capacity never invalidates bookings already made.
    capacity = models.PositiveSmallIntegerField()
    booked = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["office", "starts_at"], name="appointment_slot_time"),
            # The last line of defence: whatever a bug in the code does, the database
            # refuses a slot with more people than places.
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")),
                name="appointment_slot_not_overbooked",
                violation_error_message=_("A slot cannot have fewer places than people booked."),
            ),
        ]

    def __str__(self) -> str:
        when = f"{self.starts_at:%Y-%m-%d %H:%M} UTC"
        return f"{self.office.code} {when} ({self.booked}/{self.capacity})"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.office.slot_minutes)

    @property
    def local_starts_at(self) -> dt.datetime:
        return self.starts_at.astimezone(self.office.tz)

    @property
    def local_ends_at(self) -> dt.datetime:
        return self.ends_at.astimezone(self.office.tz)


class BookingState(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    MISSED = "missed", _("Missed")
    ATTENDED = "attended", _("Attended")


class Booking(models.Model):
    """One registration's place in one slot. Only `services.py` writes bookings."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    # A short code people can read out at the counter or on the phone ("K7M-4QP"); a
    # rescheduled booking keeps the reference of the one it replaces (references.py).
    reference = models.CharField(max_length=7)
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="bookings"
    )
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    state = models.CharField(max_length=16, choices=BookingState.choices, default="booked")
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A retry with the same key returns this booking instead of booking again.
    idempotency_key = models.CharField(max_length=128, null=True, blank=True)  # noqa: DJ001
    # Set on the new booking when a registrant moves an appointment: the history of
    # reschedules reads as a chain.
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(state="booked"),
                name="appointment_one_active_booking",
            ),
            models.UniqueConstraint(
                fields=["registration", "idempotency_key"], name="appointment_idempotency_key"
            ),
            # A reference names one appointment at a time (its reschedules share it).
            models.UniqueConstraint(
                fields=["reference"],
                condition=Q(state="booked"),
                name="appointment_active_reference",
            ),
        ]
        indexes = [
            models.Index(fields=["reference"], name="appointment_booking_reference"),
            models.Index(fields=["slot", "state"], name="appointment_booking_slot"),
            models.Index(fields=["state", "reminded_at"], name="appointment_booking_remind"),
        ]

    def __str__(self) -> str:
        return f"booking {self.id} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state == BookingState.BOOKED
