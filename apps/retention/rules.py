"""Who is due for expungement under a program's retention rules, as of a day.

Each case has an end date by its state (docs/programs.md, `[retention]`):

| state | end date |
|---|---|
| draft | last save + `draft_days` |
| withdrawn | last change (the withdrawal) + `withdrawn_days` |
| rejected | last change (the decision) + `rejected_years` |
| departed | the departure date + `departed_years` |
| registered | last activity (case change, address report) + `registered_years_after_…` |
| open (submitted … biometrics captured) | never: the case is still being worked |

A person is due when every one of their cases has reached its end date; the ground is
the rule of the case that ended last. Reads only dates and states kept in clear: no
record is decrypted. Candidates come from one date filter per kind of case, run in the
database, so only people past a period are loaded and checked case by case here.
"""

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max

from apps.programs.loader import get_program
from apps.programs.schema import Program, Retention
from apps.registrations.models import AddressChange, CaseState, Registration
from apps.retention.models import Expungement

CHUNK = 500


@dataclass(frozen=True)
class Due:
    person_id: uuid.UUID
    ground: str
    cases: tuple[str, ...]  # case numbers (a draft, which has none, by its id)

    def as_item(self) -> dict[str, object]:
        return {"person": str(self.person_id), "ground": self.ground, "cases": list(self.cases)}


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one: 1 March
        return dt.date(day.year + years, 3, 1)


def due_persons(program: Program, today: dt.date) -> list[Due]:
    """Everyone of `program` due on `today`, not yet expunged, oldest first."""
    return due_among(program, today, _candidates(program, today))


def due_among(program: Program, today: dt.date, person_ids: Iterable[uuid.UUID]) -> list[Due]:
    """Of these people, those due on `today` (re-checked when a run reaches them)."""
    ids = sorted(set(person_ids), key=str)
    found: list[tuple[dt.date, Due]] = []
    for start in range(0, len(ids), CHUNK):
        found.extend(_check_chunk(program, today, ids[start : start + CHUNK]))
    return [due for _, due in sorted(found, key=lambda pair: (pair[0], str(pair[1].person_id)))]


def _candidates(program: Program, today: dt.date) -> set[uuid.UUID]:
    r = program.retention
    cases = Registration.objects.filter(program=program.slug)
    by_change = {
        CaseState.DRAFT: today - dt.timedelta(days=r.draft_days),
        CaseState.WITHDRAWN: today - dt.timedelta(days=r.withdrawn_days),
        CaseState.REJECTED: add_years(today, -r.rejected_years),
        CaseState.REGISTERED: add_years(today, -r.registered_years_after_last_activity),
    }
    ids: set[uuid.UUID] = set()
    for state, last_day in by_change.items():
        ids.update(
            cases.filter(state=state, updated_at__date__lte=last_day).values_list(
                "person_id", flat=True
            )
        )
    departed_by = add_years(today, -r.departed_years)
    ids.update(
        cases.filter(state=CaseState.DEPARTED, departure__departed_on__lte=departed_by).values_list(
            "person_id", flat=True
        )
    )
    done = set(Expungement.objects.filter(person_id__in=ids).values_list("person_id", flat=True))
    return ids - done


def _check_chunk(
    program: Program, today: dt.date, ids: list[uuid.UUID]
) -> list[tuple[dt.date, Due]]:
    done = set(Expungement.objects.filter(person_id__in=ids).values_list("person_id", flat=True))
    moves = dict(
        AddressChange.objects.filter(person_id__in=ids)
        .values("person_id")
        .annotate(last=Max("reported_at"))
        .values_list("person_id", "last")
    )
    # Every case of the person counts, even one under another program (by its own rules).
    rows = Registration.objects.filter(person_id__in=ids).values_list(
        "id", "person_id", "program", "state", "case_number", "updated_at", "departure__departed_on"
    )
    periods = {program.slug: program.retention}
    per_person: dict[uuid.UUID, list[tuple[dt.date | None, str, str]]] = {}
    for case_id, person_id, slug, state, number, updated_at, departed_on in rows:
        if slug not in periods:
            periods[slug] = get_program(slug).retention
        last_move = moves.get(person_id)
        end = _end_date(periods[slug], state, updated_at, departed_on, last_move)
        per_person.setdefault(person_id, []).append(
            (end, f"retention-{_rule(state)}", number or str(case_id))
        )
    due: list[tuple[dt.date, Due]] = []
    for person_id, cases in per_person.items():
        ends = [end for end, _, _ in cases]
        if person_id in done or any(end is None or end > today for end in ends):
            continue
        last_end, ground, _ = max(cases, key=lambda case: case[0] or dt.date.min)
        numbers = tuple(sorted(number for _, _, number in cases))
        due.append((last_end or today, Due(person_id, ground, numbers)))
    return due


def _rule(state: str) -> str:
    return "inactive" if state == CaseState.REGISTERED else state


def _end_date(
    r: Retention,
    state: str,
    updated_at: dt.datetime,
    departed_on: dt.date | None,
    last_move: dt.datetime | None,
) -> dt.date | None:
    changed = updated_at.date()
    if state == CaseState.DRAFT:
        return changed + dt.timedelta(days=r.draft_days)
    if state == CaseState.WITHDRAWN:
        return changed + dt.timedelta(days=r.withdrawn_days)
    if state == CaseState.REJECTED:
        return add_years(changed, r.rejected_years)
    if state == CaseState.DEPARTED:
        return add_years(departed_on or changed, r.departed_years)
    if state == CaseState.REGISTERED:
        last = max(changed, last_move.date()) if last_move else changed
        return add_years(last, r.registered_years_after_last_activity)
    return None  # an open case is never due
