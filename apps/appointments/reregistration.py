"""Children at 14: the re-registration case opens with a biometrics appointment.

Subscribed to apps.registrations.reregistration.OPENED_HOOKS, so it runs in the
transaction that opens the case. It books the earliest free place at the office of the
child's first appointment (or any office when that one has no free time); when no
office has a free place the case stays open and the family books from the link in the
e-mail, as after a missed appointment."""

import logging

from apps.appointments import services
from apps.appointments.availability import free_slots
from apps.appointments.errors import SlotTaken
from apps.audit.services import SYSTEM
from apps.registrations.models import Registration

logger = logging.getLogger(__name__)


def book_reregistration_appointment(case: Registration) -> None:
    slots = free_slots(office_code=case.office_code or None, limit=1) if case.office_code else []
    slots = slots or free_slots(limit=1)
    if not slots:
        logger.warning("no free appointment for re-registration %s", case.case_number)
        return
    slot = slots[0]
    try:
        services.book(SYSTEM, case, office_code=slot.office.code, starts_at=slot.starts_at)
    except SlotTaken:
        # Taken between the look-up and the booking: leave it to the family's link.
        logger.warning("appointment taken while booking re-registration %s", case.case_number)
