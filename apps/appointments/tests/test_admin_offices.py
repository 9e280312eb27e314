"""Ada, the administrator, defines the Paterson office in the admin site: its hours,
a holiday closure, its capacity. A wrong time zone or hours that close before they
open are refused with a message."""

from typing import Any

import pytest

from apps.accounts.models import User
from apps.accounts.permissions import Role
from apps.appointments import availability
from apps.appointments.models import Office
from conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(db: None) -> User:
    return User.objects.create_superuser(
        username="ada@example.org",
        email="ada@example.org",
        password="correct horse battery",
        role=Role.ADMIN.value,
    )


def office_form(**changes: Any) -> dict[str, Any]:
    form = {
        "code": "PAT",
        "name": "Paterson Service Center",
        "region": "NJ",
        "address": "200 Federal Plaza\nPaterson, NJ 07505",
        "timezone": "America/New_York",
        "slot_minutes": "20",
        "capacity_per_slot": "3",
        "active": "on",
        "hours-TOTAL_FORMS": "1",
        "hours-INITIAL_FORMS": "0",
        "hours-0-weekday": "0",
        "hours-0-opens": "08:00",
        "hours-0-closes": "09:00",
        "closures-TOTAL_FORMS": "1",
        "closures-INITIAL_FORMS": "0",
        "closures-0-date": "2030-12-25",
        "closures-0-reason": "Christmas Day",
    }
    form.update(changes)
    return form


def test_ada_defines_an_office(ada: User) -> None:
    client = client_for(ada)
    assert client.get("/admin/appointments/office/add/").status_code == 200
    response = client.post("/admin/appointments/office/add/", office_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    office = Office.objects.get(code="PAT")
    assert [(h.weekday, str(h.opens), str(h.closes)) for h in office.hours.all()] == [
        (0, "08:00:00", "09:00:00")
    ]
    assert office.closures.get().reason == "Christmas Day"
    mondays = availability.free_slots(office_code="PAT", limit=3)
    assert [s.local_starts_at.strftime("%H:%M") for s in mondays] == ["08:00", "08:20", "08:40"]
    assert all(s.places == 3 for s in mondays)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "Unknown time zone"),
        ({"hours-0-closes": "07:00"}, "closing time must be after the opening time"),
        ({"capacity_per_slot": "0"}, "greater than or equal to 1"),
    ],
)
def test_mistakes_are_refused(ada: User, changes: dict[str, str], message: str) -> None:
    response = client_for(ada).post("/admin/appointments/office/add/", office_form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Office.objects.exists()
