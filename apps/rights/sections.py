"""The sections of a subject-access export, contributed by the apps that hold data.

An app appends a `Section` to SUBJECT_ACCESS_SECTIONS in its AppConfig.ready(); the
export (apps.rights.access.export_subject_access) calls each `gather(user, person)`
inside its transaction and logs the export once. A `gather` returns JSON-serialisable
data (dicts, lists, strings, numbers, None) and must read personal data through its
own app's logging reader (e.g. apps.biometrics.access), never around it.

Order: lower `order` first; ties keep registration order."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.registrations.models import Person


@dataclass(frozen=True)
class Section:
    key: str
    title: Promise | str
    gather: Callable[[User, Person], Any]
    order: int = 50


SUBJECT_ACCESS_SECTIONS: list[Section] = []


def register(section: Section) -> None:
    """Add a section once (ready() may run more than once in tests)."""
    if all(s.key != section.key for s in SUBJECT_ACCESS_SECTIONS):
        SUBJECT_ACCESS_SECTIONS.append(section)


def sections_in_order() -> list[Section]:
    return sorted(SUBJECT_ACCESS_SECTIONS, key=lambda s: s.order)


def _appointments(user: User, person: Person) -> list[dict[str, Any]]:
    """Biometrics appointments: when and where, and what became of each (no personal
    data beyond the person's own case numbers)."""
    from apps.appointments.models import Booking

    bookings = (
        Booking.objects.filter(registration__person=person)
        .select_related("slot__office", "registration")
        .order_by("slot__starts_at")
    )
    return [
        {
            "case_number": b.registration.case_number,
            "office": b.slot.office.code,
            "office_name": b.slot.office.name,
            "starts_at": b.slot.starts_at.isoformat(),
            "state": b.state,
            "booked_at": b.created_at.isoformat(),
        }
        for b in bookings
    ]


def register_builtin_sections() -> None:
    from apps.rights import access
    from apps.rights.accounting import accounting_section

    register(Section("registrations", _("Your registrations"), access.own_records, order=10))
    register(Section("addresses", _("Addresses you reported"), access.own_addresses, order=20))
    register(Section("appointments", _("Appointments"), _appointments, order=30))
    register(Section("requests", _("Your requests and claims"), access.own_requests, order=60))
    register(
        Section(
            "accounting",
            _("Who read, changed or disclosed your record"),
            accounting_section,
            order=90,
        )
    )
