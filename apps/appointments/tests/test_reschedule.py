"""Amal moves her appointment: the old place is freed and the new one taken in one
step, and she never ends up with two appointments or none."""

import pytest
from django.core import mail
from django.test import Client

from apps.accounts.models import User
from apps.accounts.permissions import Role
from apps.appointments import services
from apps.appointments.errors import SlotTaken
from apps.appointments.models import Booking, BookingState, Office, Slot
from apps.appointments.tests.conftest import (
    Committed,
    at,
    book_body,
    file_case,
    post_json,
    weekday_ahead,
)
from apps.registrations.models import CaseState, CaseTransition
from conftest import make_user

pytestmark = pytest.mark.django_db


def test_amal_moves_to_a_later_time_at_the_same_office(
    amal: User, amal_client: Client, paterson: Office, committed: Committed
) -> None:
    case = file_case(amal)
    tuesday = weekday_ahead(1)
    first = post_json(
        amal_client,
        "/api/v1/appointments",
        book_body(case, paterson, at(paterson, tuesday, "09:00")),
    ).json()
    moves_before = CaseTransition.objects.filter(registration=case).count()

    later = at(paterson, tuesday, "11:30")
    with committed():
        moved = post_json(
            amal_client,
            f"/api/v1/appointments/{first['id']}/reschedule",
            {"office": "PAT", "starts_at": later.isoformat()},
        )
    assert moved.status_code == 201, moved.content
    new = moved.json()
    assert new["replaces"] == first["id"]
    assert new["starts_at"].startswith(later.strftime("%Y-%m-%dT%H:%M"))

    old = Booking.objects.get(pk=first["id"])
    assert old.state == BookingState.CANCELLED
    assert old.slot.booked == 0
    assert Slot.objects.get(starts_at=later).booked == 1
    # Same office: the case neither moved nor changed queue.
    case.refresh_from_db()
    assert case.state == CaseState.BIOMETRICS_SCHEDULED
    assert CaseTransition.objects.filter(registration=case).count() == moves_before
    assert [m.subject for m in mail.outbox] == ["Your biometrics appointment has moved"]

    # The old confirmation points at the new one.
    page = amal_client.get(f"/appointments/{first['id']}/").content.decode()
    assert f"/appointments/{new['id']}/" in page


def test_a_move_to_another_office_moves_the_case_to_its_queue(
    amal: User, amal_client: Client, paterson: Office, newark: Office, committed: Committed
) -> None:
    case = file_case(amal)
    wednesday = weekday_ahead(2)
    booking, _ = services.book(
        amal, case, office_code="PAT", starts_at=at(paterson, wednesday, "10:00")
    )
    with committed():
        new, created = services.reschedule(
            amal, booking, office_code="NWK", starts_at=at(newark, wednesday, "10:00")
        )
    assert created
    case.refresh_from_db()
    assert case.office_code == "NWK"
    assert case.state == CaseState.BIOMETRICS_SCHEDULED
    # One step that keeps the state: the case never reads as going back to "submitted".
    moves = list(
        CaseTransition.objects.filter(registration=case).values_list(
            "from_state", "to_state", "reason"
        )
    )
    assert moves[-2:] == [
        (CaseState.SUBMITTED, CaseState.BIOMETRICS_SCHEDULED, services.REASON_BOOKED),
        (
            CaseState.BIOMETRICS_SCHEDULED,
            CaseState.BIOMETRICS_SCHEDULED,
            services.REASON_MOVED,
        ),
    ]
    history = amal_client.get(f"/cases/{case.case_number}/").content.decode()
    # "Submitted" twice: where the filing led, and where the booking left from.
    assert history.count(">Submitted<") == 2
    assert "Appointment moved to another office" in history

    # The reference Amal was given still names her appointment, on the page and in the
    # e-mail that tells her it moved.
    assert new.reference == booking.reference
    page = amal_client.get(f"/appointments/{new.id}/").content.decode()
    assert booking.reference in page
    assert booking.reference in mail.outbox[-1].body


def test_each_appointment_gets_its_own_reference_to_read_out(amal: User, paterson: Office) -> None:
    bea = make_user(Role.REGISTRANT, "bea")
    tuesday = weekday_ahead(1)
    first, _ = services.book(
        amal, file_case(amal), office_code="PAT", starts_at=at(paterson, tuesday, "09:00")
    )
    second, _ = services.book(
        bea, file_case(bea), office_code="PAT", starts_at=at(paterson, tuesday, "09:00")
    )
    assert first.reference != second.reference
    for reference in (first.reference, second.reference):
        assert len(reference) == 7
        assert reference[3] == "-"
        assert not set(reference.replace("-", "")) & set("01ILOU")  # nothing to mishear


def test_amal_keeps_her_appointment_when_the_new_time_is_taken(
    amal: User, brooklyn: Office
) -> None:
    # Brooklyn has one place per slot; Bea takes 10:30 first.
    bea = make_user(Role.REGISTRANT, "bea")
    thursday = weekday_ahead(3)
    services.book(bea, file_case(bea), office_code="BKN", starts_at=at(brooklyn, thursday, "10:30"))
    case = file_case(amal)
    booking, _ = services.book(
        amal, case, office_code="BKN", starts_at=at(brooklyn, thursday, "09:00")
    )

    with pytest.raises(SlotTaken) as taken:
        services.reschedule(
            amal, booking, office_code="BKN", starts_at=at(brooklyn, thursday, "10:30")
        )
    assert taken.value.alternatives
    assert all(a.starts_at != at(brooklyn, thursday, "10:30") for a in taken.value.alternatives)
    booking.refresh_from_db()
    assert booking.state == BookingState.BOOKED
    assert booking.slot.booked == 1
    assert Booking.objects.filter(registration=case).count() == 1


def test_a_page_move_and_its_double_click(
    amal: User, amal_client: Client, paterson: Office
) -> None:
    case = file_case(amal)
    friday = weekday_ahead(4)
    booking, _ = services.book(
        amal, case, office_code="PAT", starts_at=at(paterson, friday, "09:00")
    )
    page = amal_client.get(f"/appointments/{booking.id}/change/")
    assert page.status_code == 200
    target = f"PAT|{at(paterson, friday, '09:30').isoformat()}"
    form = {"slot": target, "idempotency_key": "move-1"}
    first = amal_client.post(f"/appointments/{booking.id}/change/", form)
    assert first.status_code == 302
    # The second click comes from the same (old) page: the same booking comes back.
    second = amal_client.post(f"/appointments/{booking.id}/change/", form)
    assert second.status_code == 302
    new = Booking.objects.get(registration=case, state=BookingState.BOOKED)
    assert first.url == second.url == f"/appointments/{new.id}/"
    assert Booking.objects.filter(registration=case).count() == 2
    # Opening the old booking's change page now leads to its (cancelled) confirmation.
    assert (
        amal_client.get(f"/appointments/{booking.id}/change/").url == f"/appointments/{booking.id}/"
    )
