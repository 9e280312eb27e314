"""Which times are free, computed from opening hours, closures and booked slots.

Nothing here writes. Slots are not stored ahead of time: a time is offered when it lies
on an office's slot grid within its opening hours, the office is not closed that day,
and the slot's row (if someone booked it already) has a place left.

"Nearest" means earliest: the registrant's address is sealed, so the system does not
guess where they live; they may narrow the list to a region or an office they choose.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from apps.appointments.models import Booking, BookingState, Closure, Office, OpeningHours, Slot

# How far ahead one may book, and how soon: the office must see a booking on its day
# list before the person arrives.
HORIZON = dt.timedelta(days=60)
MIN_NOTICE = dt.timedelta(hours=1)
DEFAULT_LIMIT = 10
MAX_LIMIT = 50
ALTERNATIVES = 5
# Free times are searched a week at a time, so the usual question (the next few free
# slots) costs a handful of queries however many offices there are.
_CHUNK = dt.timedelta(days=7)


@dataclass(frozen=True)
class FreeSlot:
    office: Office
    starts_at: dt.datetime  # aware, UTC
    places: int

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.office.slot_minutes)

    @property
    def local_starts_at(self) -> dt.datetime:
        return self.starts_at.astimezone(self.office.tz)

    @property
    def local_ends_at(self) -> dt.datetime:
        return self.ends_at.astimezone(self.office.tz)

    @property
    def token(self) -> str:
        """How a page form names this slot (office code and UTC start)."""
        return f"{self.office.code}|{self.starts_at.isoformat()}"


def bookable_window(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    now = now or timezone.now()
    return now + MIN_NOTICE, now + HORIZON


def day_starts(office: Office, day: dt.date, hours: Iterable[OpeningHours]) -> list[dt.datetime]:
    """The UTC start of every slot of `office` on its local `day` (closures aside)."""
    tz = office.tz
    step = dt.timedelta(minutes=office.slot_minutes)
    starts: set[dt.datetime] = set()
    for period in hours:
        if period.weekday != day.weekday():
            continue
        # Aware datetimes with the same zone add and compare as wall-clock times,
        # which is what opening hours are.
        local = dt.datetime.combine(day, period.opens, tzinfo=tz)
        closes = dt.datetime.combine(day, period.closes, tzinfo=tz)
        while local + step <= closes:
            utc = local.astimezone(dt.UTC)
            # A wall time skipped by a daylight-saving change does not exist: skip it.
            if utc.astimezone(tz).replace(tzinfo=None) == local.replace(tzinfo=None):
                starts.add(utc)
            local += step
    return sorted(starts)


def free_slots(
    *,
    office_code: str | None = None,
    region: str | None = None,
    after: dt.datetime | None = None,
    limit: int = DEFAULT_LIMIT,
    now: dt.datetime | None = None,
) -> list[FreeSlot]:
    """The earliest free slots at active offices (optionally one office, or one
    region), from `after` or the earliest bookable time, in time order."""
    start, end = bookable_window(now)
    if after is not None:
        start = max(start, after)
    offices = Office.objects.filter(active=True).prefetch_related("hours")
    if office_code:
        offices = offices.filter(code=office_code)
    if region:
        offices = offices.filter(region__iexact=region)
    office_list = list(offices)
    limit = max(1, min(limit, MAX_LIMIT))
    found: list[FreeSlot] = []
    chunk_start = start
    while office_list and chunk_start < end and len(found) < limit:
        chunk_end = min(chunk_start + _CHUNK, end)
        found.extend(_free_between(office_list, chunk_start, chunk_end))
        chunk_start = chunk_end
    return found[:limit]


def alternatives(
    office: Office, near: dt.datetime, now: dt.datetime | None = None
) -> list[FreeSlot]:
    """Free slots to offer instead of `near`: the next ones at the same office, or
    else the earliest anywhere."""
    same_office = free_slots(office_code=office.code, after=near, limit=ALTERNATIVES, now=now)
    return same_office or free_slots(limit=ALTERNATIVES, now=now)


def is_offered(office: Office, starts_at: dt.datetime, now: dt.datetime | None = None) -> bool:
    """Whether `starts_at` is a slot of `office` that may be booked now (free or not)."""
    start, end = bookable_window(now)
    if not office.active or not start <= starts_at < end:
        return False
    day = starts_at.astimezone(office.tz).date()
    if Closure.objects.filter(office=office, date=day).exists():
        return False
    return starts_at in day_starts(office, day, office.hours.filter(weekday=day.weekday()))


def bookings_on(office: Office, day: dt.date) -> list[Booking]:
    """An office's appointments on its local `day`, in time order, cancelled ones left
    out. Holds case numbers and states only: names stay sealed."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=office.tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=office.tz)
    return list(
        Booking.objects.filter(slot__office=office, slot__starts_at__gte=start)
        .filter(slot__starts_at__lt=end)
        .exclude(state=BookingState.CANCELLED)
        .select_related("slot__office", "registration")
        .order_by("slot__starts_at", "created_at")
    )


def _free_between(
    offices: Sequence[Office], start: dt.datetime, end: dt.datetime
) -> list[FreeSlot]:
    """Free slots starting in [start, end), in time order."""
    first_day = start.date() - dt.timedelta(days=1)  # local days may begin before UTC's
    last_day = end.date() + dt.timedelta(days=1)
    closed = set(
        Closure.objects.filter(office__in=offices, date__range=(first_day, last_day)).values_list(
            "office_id", "date"
        )
    )
    places_left = {
        (office_id, starts_at): left
        for office_id, starts_at, left in Slot.objects.filter(
            office__in=offices, starts_at__gte=start, starts_at__lt=end
        )
        .annotate(left=F("capacity") - F("booked"))
        .values_list("office_id", "starts_at", "left")
    }
    found: list[FreeSlot] = []
    for office in offices:
        hours = list(office.hours.all())
        day = start.astimezone(office.tz).date()
        while day <= end.astimezone(office.tz).date():
            if (office.pk, day) not in closed:
                for starts_at in day_starts(office, day, hours):
                    if not start <= starts_at < end:
                        continue
                    left = places_left.get((office.pk, starts_at), office.capacity_per_slot)
                    if left > 0:
                        found.append(FreeSlot(office, starts_at, left))
            day += dt.timedelta(days=1)
    found.sort(key=lambda slot: (slot.starts_at, slot.office.code))
    return found
