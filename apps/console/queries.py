"""What the console reads without a stated purpose: queues, search results, a case's
non-personal summary.

Every function here returns `CaseRow`s, which carry no personal data (case number,
state, office, dates, the assigned officer), so no page can show a name by accident
before a purpose is chosen. The form itself is opened only by `apps.registrations.access`.

Queues are keyset-paged on (submitted_at, id) along the `registration_queue` and
`registration_state` indexes: the n-th page costs what the first one costs, at a
million cases as at a hundred. There is no OFFSET anywhere.
"""

import base64
import binascii
import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Literal

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.appointments import references
from apps.appointments.models import Booking, BookingState, Office
from apps.registrations.case_numbers import is_well_formed
from apps.registrations.models import (
    OPEN_STATES,
    BlindIndexEntry,
    CaseState,
    Registration,
)
from apps.rights.models import CitizenshipClaim, ClaimState
from apps.vault import blind_index

PAGE_SIZE = 50
SEARCH_LIMIT = 50
# The states a queue can show: every filed state (drafts are the registrant's own).
QUEUE_STATES = [state for state in CaseState if state != CaseState.DRAFT]
# Only these columns ever leave the database for a queue or a search.
ROW_FIELDS = (
    "id",
    "case_number",
    "state",
    "office_code",
    "submitted_at",
    "due_on",
    "assigned_to__username",
)

Assigned = Literal["", "me", "nobody"]
ASSIGNED_CHOICES: list[tuple[str, object]] = [
    ("", _("Anyone or nobody")),
    ("me", _("Me")),
    ("nobody", _("Nobody yet")),
]


@dataclass(frozen=True)
class CaseRow:
    """One line of a queue or of search results: nothing personal."""

    id: uuid.UUID
    case_number: str
    state: str
    office_code: str
    submitted_at: dt.datetime
    due_on: dt.date | None
    assigned_to: str
    overdue: bool
    # An open citizenship claim: shown on every console view of the case (issue 7).
    citizenship_claim: bool = False

    @property
    def state_label(self) -> str:
        return str(CaseState(self.state).label)


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: the last row's (submitted_at, id). Sent to the
    browser as an opaque token; a tampered token at worst starts elsewhere in the same
    queue, which the officer may read anyway."""

    submitted_at: dt.datetime
    id: uuid.UUID

    def encode(self) -> str:
        raw = f"{self.submitted_at.isoformat()}|{self.id.hex}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> "Cursor":
        """Raises ValueError for anything that is not a token made by `encode`."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            when, _sep, ident = raw.partition("|")
            submitted_at = dt.datetime.fromisoformat(when)
            if submitted_at.tzinfo is None:
                raise ValueError("naive time")
            return cls(submitted_at, uuid.UUID(hex=ident))
        except (binascii.Error, UnicodeDecodeError) as error:
            raise ValueError(str(error)) from error


@dataclass(frozen=True)
class QueueFilter:
    """One queue: a single state (so that the page walks one index range in order),
    optionally one office, one assignee and overdue cases only."""

    state: str = CaseState.SUBMITTED
    office_code: str = ""
    assigned: Assigned = ""
    overdue_only: bool = False


@dataclass(frozen=True)
class QueuePage:
    rows: list[CaseRow]
    next_cursor: str | None


def queue_page(
    user: User,
    filters: QueueFilter,
    *,
    after: Cursor | None = None,
    today: dt.date,
    size: int = PAGE_SIZE,
) -> QueuePage:
    """One page of a queue, oldest first, in one query. `after` is the cursor from the
    previous page; the returned `next_cursor` is None on the last page."""
    cases = Registration.objects.filter(state=filters.state, submitted_at__isnull=False)
    if filters.office_code:
        cases = cases.filter(office_code=filters.office_code)
    if filters.assigned == "me":
        cases = cases.filter(assigned_to=user)
    elif filters.assigned == "nobody":
        cases = cases.filter(assigned_to__isnull=True)
    if filters.overdue_only:
        cases = cases.filter(due_on__lt=today)
    if after is not None:
        # (submitted_at, id) > cursor, written so that `submitted_at >= t` bounds the
        # index range and the exclusion only drops the rows that share the cursor's time.
        cases = cases.filter(submitted_at__gte=after.submitted_at).exclude(
            submitted_at=after.submitted_at, id__lte=after.id
        )
    rows = _rows(cases.order_by("submitted_at", "id")[: size + 1], today)
    if len(rows) <= size:
        return QueuePage(rows, None)
    last = rows[size - 1]
    return QueuePage(rows[:size], Cursor(last.submitted_at, last.id).encode())


def normalize_case_number(text: str) -> str:
    return "".join(text.split()).upper()


def find_by_case_number(text: str, *, today: dt.date) -> list[CaseRow]:
    """The case with exactly this number (case and spaces do not matter); no query for
    a number whose check character is wrong."""
    number = normalize_case_number(text)
    if not is_well_formed(number):
        return []
    return _rows(Registration.objects.filter(case_number=number), today)


def find_by_name_and_birth(
    family_name: str, given_names: str, birth_date: dt.date, *, today: dt.date
) -> list[CaseRow]:
    """Cases of people with exactly this name and birth date (after normalisation:
    accents, case, token order), through the keyed blind index; with no given names,
    by family name and birth date."""
    birth = birth_date.isoformat()
    if given_names.strip():
        kind = BlindIndexEntry.Kind.NAME_BIRTH
        digest = blind_index.name_birth_index(family_name, given_names, birth)
    else:
        kind = BlindIndexEntry.Kind.FAMILY_BIRTH
        digest = blind_index.family_name_birth_index(family_name, birth)
    return _indexed(kind, digest, today)


def find_by_document(number: str, *, today: dt.date) -> list[CaseRow]:
    """Cases of people who gave this identity document number."""
    return _indexed(BlindIndexEntry.Kind.DOCUMENT, blind_index.document_index(number), today)


def find_by_appointment_reference(text: str, *, today: dt.date) -> list[CaseRow]:
    """The case whose appointment has this reference (read out by the registrant; case,
    spaces and dashes do not matter), whether the booking is still open or not."""
    reference = references.normalize(text)
    booked = Booking.objects.filter(reference=reference).values("registration_id")
    return _rows(Registration.objects.filter(pk__in=booked), today)


def latest_booking(registration: Registration) -> Booking | None:
    """The case's appointment as it stands: the active booking, else the last one."""
    bookings = Booking.objects.filter(registration=registration).select_related("slot__office")
    return (
        bookings.filter(state=BookingState.BOOKED).first()
        or bookings.order_by("-created_at").first()
    )


def _indexed(kind: str, digest: str, today: dt.date) -> list[CaseRow]:
    people = BlindIndexEntry.objects.filter(kind=kind, digest=digest).values("person_id")
    cases = (
        Registration.objects.filter(person_id__in=people, submitted_at__isnull=False)
        .exclude(state=CaseState.DRAFT)
        .order_by("submitted_at", "id")
    )
    return _rows(cases[:SEARCH_LIMIT], today)


def _rows(cases: QuerySet[Registration], today: dt.date) -> list[CaseRow]:
    # The claim flag rides in the same query (a correlated EXISTS on an indexed
    # column), so a page stays one query.
    open_claims = CitizenshipClaim.objects.filter(
        person_id=OuterRef("person_id"), state=ClaimState.OPEN
    )
    flagged = cases.annotate(claim=Exists(open_claims))
    return [
        CaseRow(
            id=ident,
            case_number=number or "",
            state=state,
            office_code=office,
            submitted_at=submitted_at,
            due_on=due_on,
            assigned_to=assignee or "",
            overdue=is_overdue(state, due_on, today),
            citizenship_claim=claim,
        )
        for ident, number, state, office, submitted_at, due_on, assignee, claim in (
            flagged.values_list(*ROW_FIELDS, "claim")
        )
    ]


def is_overdue(state: str, due_on: dt.date | None, today: dt.date) -> bool:
    return due_on is not None and due_on < today and state in OPEN_STATES


def office_choices() -> list[tuple[str, str]]:
    """The open offices, (code, name), suggested in the queue's office filter."""
    return list(Office.objects.filter(active=True).order_by("code").values_list("code", "name"))


def case_or_404(case_number: str) -> Registration:
    """A filed case by its number, with what its summary page shows; Http404 when there
    is none. The sealed form is not loaded."""
    return get_object_or_404(
        Registration.objects.select_related("person", "assigned_to")
        .defer("form_sealed")
        .exclude(state=CaseState.DRAFT),
        case_number=normalize_case_number(case_number),
    )
