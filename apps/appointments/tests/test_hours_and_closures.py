"""Only real slots are offered and bookable: inside opening hours, on the slot grid, on
days the office is open, from an hour ahead up to the booking horizon."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts.models import User
from apps.appointments import availability, services
from apps.appointments.errors import SlotNotOffered, UnknownOffice
from apps.appointments.models import Closure, Office, OpeningHours, Slot, Weekday
from apps.appointments.tests.conftest import (
    at,
    book_body,
    file_case,
    make_office,
    post_json,
    weekday_ahead,
)

pytestmark = pytest.mark.django_db


def test_offered_times_lie_inside_the_hours_on_the_grid(paterson: Office) -> None:
    slots = availability.free_slots(office_code="PAT", limit=availability.MAX_LIMIT)
    assert len(slots) == availability.MAX_LIMIT
    earliest = timezone.now() + availability.MIN_NOTICE
    for slot in slots:
        local = slot.local_starts_at
        assert local.weekday() < 5, "Paterson is closed at weekends"
        assert dt.time(9) <= local.time() <= dt.time(11, 30)
        assert local.minute in (0, 30)
        assert local.second == 0
        assert slot.starts_at >= earliest
        assert slot.places == 2
    assert [s.starts_at for s in slots] == sorted(s.starts_at for s in slots)


def test_a_closure_day_is_not_offered_nor_bookable(amal: User, paterson: Office) -> None:
    holiday = weekday_ahead(0)
    Closure.objects.create(office=paterson, date=holiday, reason="public holiday")
    slots = availability.free_slots(office_code="PAT", limit=availability.MAX_LIMIT)
    assert holiday not in {s.local_starts_at.date() for s in slots}

    with pytest.raises(SlotNotOffered) as refused:
        services.book(
            amal, file_case(amal), office_code="PAT", starts_at=at(paterson, holiday, "09:00")
        )
    assert refused.value.status == 422
    assert refused.value.alternatives
    assert all(a.local_starts_at.date() != holiday for a in refused.value.alternatives)
    assert not Slot.objects.exists()


@pytest.mark.parametrize(
    ("weekday", "clock", "why"),
    [
        (1, "08:30", "before opening"),
        (1, "12:00", "at closing time"),
        (1, "11:45", "off the grid and running past closing"),
        (1, "09:15", "off the 30-minute grid"),
        (5, "10:00", "on a Saturday"),
    ],
)
def test_times_outside_the_hours_are_refused(
    amal: User, amal_client: Client, paterson: Office, *, weekday: int, clock: str, why: str
) -> None:
    case = file_case(amal)
    starts = at(paterson, weekday_ahead(weekday), clock)
    response = post_json(amal_client, "/api/v1/appointments", book_body(case, paterson, starts))
    assert response.status_code == 422, why
    body = response.json()
    assert body["code"] == "slot_not_offered"
    assert "starts_at" in body["fields"]
    assert body["alternatives"], "the answer offers other times"
    assert not Slot.objects.exists()


def test_too_soon_and_too_far_are_refused(amal: User, paterson: Office) -> None:
    case = file_case(amal)
    now = timezone.now()
    for starts in (
        now - dt.timedelta(days=1),
        now + availability.MIN_NOTICE / 2,
        at(paterson, (now + availability.HORIZON + dt.timedelta(days=7)).date(), "09:00"),
    ):
        with pytest.raises(SlotNotOffered):
            services.book(amal, case, office_code="PAT", starts_at=starts)


def test_a_lunch_break_splits_the_day(paterson: Office) -> None:
    tuesday = weekday_ahead(1)
    OpeningHours.objects.filter(office=paterson, weekday=Weekday.TUESDAY).delete()
    OpeningHours.objects.create(
        office=paterson, weekday=Weekday.TUESDAY, opens=dt.time(9), closes=dt.time(10)
    )
    OpeningHours.objects.create(
        office=paterson, weekday=Weekday.TUESDAY, opens=dt.time(13), closes=dt.time(14)
    )
    starts = availability.day_starts(paterson, tuesday, paterson.hours.all())
    assert [s.astimezone(paterson.tz).strftime("%H:%M") for s in starts] == [
        "09:00",
        "09:30",
        "13:00",
        "13:30",
    ]


def test_a_wall_time_skipped_by_daylight_saving_is_not_a_slot(db: None) -> None:
    night = make_office("NGT", minutes=30)
    OpeningHours.objects.create(
        office=night, weekday=Weekday.SUNDAY, opens=dt.time(1), closes=dt.time(4)
    )
    spring_forward = dt.date(2027, 3, 14)  # New York skips 02:00-03:00 that night
    starts = availability.day_starts(night, spring_forward, night.hours.all())
    assert [s.astimezone(night.tz).strftime("%H:%M") for s in starts] == [
        "01:00",
        "01:30",
        "03:00",
        "03:30",
    ]


def test_regions_and_offices_narrow_the_list(
    paterson: Office, newark: Office, brooklyn: Office
) -> None:
    everywhere = availability.free_slots(limit=30)
    assert {s.office.code for s in everywhere} == {"PAT", "NWK", "BKN"}
    assert {s.office.code for s in availability.free_slots(region="ny", limit=30)} == {"BKN"}
    assert {s.office.code for s in availability.free_slots(region="NJ", limit=30)} == {
        "PAT",
        "NWK",
    }
    assert {s.office.code for s in availability.free_slots(office_code="NWK")} == {"NWK"}


def test_a_closed_office_is_neither_listed_nor_bookable(
    amal: User, amal_client: Client, paterson: Office
) -> None:
    paterson.active = False
    paterson.save()
    assert availability.free_slots() == []
    assert amal_client.get("/api/v1/offices").json() == []
    with pytest.raises(UnknownOffice):
        services.book(
            amal,
            file_case(amal),
            office_code="PAT",
            starts_at=at(paterson, weekday_ahead(1), "09:00"),
        )


def test_a_booked_slot_keeps_its_capacity_when_the_office_changes(
    amal: User, paterson: Office
) -> None:
    starts = at(paterson, weekday_ahead(2), "09:00")
    services.book(amal, file_case(amal), office_code="PAT", starts_at=starts)
    paterson.capacity_per_slot = 5
    paterson.save()
    offered = {s.starts_at: s.places for s in availability.free_slots(office_code="PAT", limit=50)}
    assert offered[starts] == 1  # two places, one taken
    assert offered[at(paterson, weekday_ahead(2), "09:30")] == 5
