"""Read-only lists for the rights pages: codes, dates and states, no sealed text."""

import uuid
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from apps.programs.loader import get_program
from apps.rights.models import (
    CitizenshipClaim,
    ClaimState,
    Complaint,
    CorrectionRequest,
    DisclosureHold,
    RedressState,
)
from apps.rights.reasons import claim_reason, redress_reason


def field_label(program_slug: str, field_name: str) -> str:
    program = get_program(program_slug)
    spec = program.form.field(field_name)
    return program.text(spec.label, get_language() or "en") if spec else field_name


def requests_of(person_ids: list[uuid.UUID]) -> dict[str, list[dict[str, Any]]]:
    """The people's requests and claims, newest first, each with its reason in the
    reader's language."""
    corrections = CorrectionRequest.objects.filter(person_id__in=person_ids).select_related(
        "registration", "person"
    )
    complaints = Complaint.objects.filter(person_id__in=person_ids).select_related("registration")
    claims = CitizenshipClaim.objects.filter(person_id__in=person_ids)
    return {
        "corrections": [
            {
                "item": c,
                "field": field_label(c.person.program, c.field_name),
                "reason": redress_reason(c.reason_code) if c.reason_code else "",
            }
            for c in corrections.order_by("-filed_at")
        ],
        "complaints": [
            {"item": c, "reason": redress_reason(c.reason_code) if c.reason_code else ""}
            for c in complaints.order_by("-filed_at")
        ],
        "claims": [
            {"item": c, "reason": claim_reason(c.reason_code) if c.reason_code else ""}
            for c in claims.order_by("-recorded_at")
        ],
    }


def open_corrections() -> QuerySet[CorrectionRequest]:
    return (
        CorrectionRequest.objects.filter(state=RedressState.OPEN)
        .select_related("registration", "person")
        .order_by("due_on", "filed_at")
    )


def open_complaints() -> QuerySet[Complaint]:
    return (
        Complaint.objects.filter(state=RedressState.OPEN)
        .select_related("registration")
        .order_by("due_on", "filed_at")
    )


def escalated() -> list[Any]:
    """Open requests past their deadline that were escalated, oldest deadline first."""
    items: list[Any] = [
        *open_corrections().filter(escalated_at__isnull=False),
        *open_complaints().filter(escalated_at__isnull=False),
    ]
    return sorted(items, key=lambda i: (i.due_on, i.filed_at))


def open_claims() -> QuerySet[CitizenshipClaim]:
    return (
        CitizenshipClaim.objects.filter(state=ClaimState.OPEN)
        .select_related("person")
        .order_by("recorded_at")
    )


def active_holds() -> QuerySet[DisclosureHold]:
    return (
        DisclosureHold.objects.filter(ended_at__isnull=True, ends_at__gt=timezone.now())
        .select_related("placed_by")
        .order_by("ends_at")
    )


def case_numbers_of(person_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    from apps.registrations.models import Registration

    rows = Registration.objects.filter(
        person_id__in=person_ids, case_number__isnull=False
    ).values_list("person_id", "case_number")
    return {person_id: str(number) for person_id, number in rows}
