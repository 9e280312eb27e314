"""Eight people press "book" for the last place of a slot at the same moment, each in
their own session and database connection (PostgreSQL, real concurrent transactions):
exactly one gets it; the others are told it was just taken and offered other times."""

import datetime as dt
import threading

import pytest
from django.db import connection

from apps.accounts.models import User
from apps.accounts.permissions import Role
from apps.appointments import services
from apps.appointments.errors import SlotTaken
from apps.appointments.models import Booking, BookingState, Slot
from apps.appointments.tests.conftest import at, file_case, make_office, weekday_ahead
from apps.audit.services import verify
from apps.registrations.models import CaseState, Registration
from conftest import make_user

PEOPLE = 8


@pytest.mark.django_db(transaction=True)
def test_exactly_one_person_gets_the_last_place() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises writers, and its append-only audit "
            "trigger refuses the flush that ends a transactional test"
        )
    paterson = make_office("PAT", capacity=2)
    starts = at(paterson, weekday_ahead(1), "09:00")
    early = make_user(Role.REGISTRANT, "early-bird")
    services.book(early, file_case(early), office_code="PAT", starts_at=starts)  # 1 place left

    bookers: list[tuple[User, Registration]] = []
    for number in range(PEOPLE):
        person = make_user(Role.REGISTRANT, f"racer-{number}")
        bookers.append((person, file_case(person)))

    won: list[Booking] = []
    taken: list[SlotTaken] = []
    errors: list[BaseException] = []
    start = threading.Barrier(PEOPLE)

    def press_book(user: User, case: Registration) -> None:
        try:
            start.wait()
            booking, _ = services.book(user, case, office_code="PAT", starts_at=starts)
            won.append(booking)
        except SlotTaken as exc:
            taken.append(exc)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=press_book, args=pair) for pair in bookers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert len(won) == 1
    assert len(taken) == PEOPLE - 1
    for refusal in taken:
        assert refusal.code == "slot_taken"
        assert refusal.alternatives
        assert starts not in {a.starts_at for a in refusal.alternatives}

    slot = Slot.objects.get(office=paterson, starts_at=starts)
    assert (slot.booked, slot.capacity) == (2, 2)
    assert Booking.objects.filter(slot=slot, state=BookingState.BOOKED).count() == 2
    winner = Registration.objects.get(pk=won[0].registration_id)
    assert winner.state == CaseState.BIOMETRICS_SCHEDULED
    losers = Registration.objects.filter(pk__in=[case.pk for _, case in bookers]).exclude(
        pk=winner.pk
    )
    assert {case.state for case in losers} == {CaseState.SUBMITTED}
    assert verify().ok


@pytest.mark.django_db(transaction=True)
def test_crossing_moves_do_not_deadlock() -> None:
    """Two people swap times at once; locks taken in one order let both finish."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks and concurrent transactions")
    paterson = make_office("PAT", capacity=2)
    tuesday = weekday_ahead(1)
    nine, ten = at(paterson, tuesday, "09:00"), at(paterson, tuesday, "10:00")
    ana, ben = make_user(Role.REGISTRANT, "ana"), make_user(Role.REGISTRANT, "ben")
    ana_booking, _ = services.book(ana, file_case(ana), office_code="PAT", starts_at=nine)
    ben_booking, _ = services.book(ben, file_case(ben), office_code="PAT", starts_at=ten)

    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def move(user: User, booking: Booking, to: dt.datetime) -> None:
        try:
            start.wait()
            for _ in range(5):  # back and forth, to give the race chances
                booking, _ = services.reschedule(user, booking, office_code="PAT", starts_at=to)
                to = nine if to == ten else ten
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=move, args=(ana, ana_booking, ten)),
        threading.Thread(target=move, args=(ben, ben_booking, nine)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(Slot.objects.values_list("booked", flat=True)) == [1, 1]
