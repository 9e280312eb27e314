"""Children at 14: the daily job that opens each child's re-registration in their own
name, within the program's window after the birthday.

Idempotent: a child whose re-registration is already open is skipped, so the job can run
any number of times a day (or be re-run after a crash) without opening a second case.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from apps.audit import services as audit
from apps.audit.models import Action
from apps.programs.loader import get_program
from apps.registrations.case_numbers import new_case_number
from apps.registrations.models import OPEN_STATES, CaseState, CaseTransition, Person, Registration
from apps.registrations.reasons import REASON_REREGISTRATION_AT_AGE

ReregistrationHook = Callable[[Registration], None]

# Other apps subscribe here (in their AppConfig.ready) to act on a newly opened
# re-registration in the same transaction, e.g. apps.appointments books the biometrics
# appointment. This keeps the dependency pointing from them to this app.
OPENED_HOOKS: list[ReregistrationHook] = []


@dataclass
class ReregistrationRun:
    opened: list[str] = field(default_factory=list)  # case numbers
    skipped: int = 0


def due_children(today: dt.date) -> list[Person]:
    """Children whose re-registration day has come and who have none open yet."""
    return list(
        Person.objects.filter(reregistration_due_on__lte=today, guardian__isnull=False)
        .exclude(registrations__reregistration_of__isnull=False)
        .filter(registrations__state__in=[*OPEN_STATES, CaseState.REGISTERED])
        .distinct()
        .order_by("reregistration_due_on", "id")
    )


def open_reregistrations(
    today: dt.date | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    on_opened: ReregistrationHook | None = None,
) -> ReregistrationRun:
    """Open one re-registration case per due child; `on_opened` runs in the same
    transaction (e.g. to book the biometrics appointment and notify the family)."""
    today = today or timezone.localdate()
    run = ReregistrationRun()
    children = due_children(today)
    for done, child in enumerate(children, start=1):
        case = _open_for(child, on_opened)
        if case is None:
            run.skipped += 1
        else:
            run.opened.append(str(case.case_number))
        if progress:
            progress(done, len(children))
    return run


@transaction.atomic
def _open_for(child: Person, on_opened: ReregistrationHook | None) -> Registration | None:
    # Lock the child's cases so two job runs cannot both open one.
    cases = list(
        Registration.objects.select_for_update().filter(person=child).order_by("created_at")
    )
    if any(c.reregistration_of_id for c in cases):
        return None
    original = next((c for c in reversed(cases) if c.case_number), None)
    if original is None or child.reregistration_due_on is None:
        return None
    program = get_program(child.program)
    case = Registration.objects.create(
        person=child,
        program=original.program,
        program_version=program.program.version,
        state=CaseState.SUBMITTED,
        case_number=new_case_number(original.program),
        filed_by=original.filed_by,
        for_child=False,
        language=original.language,
        # The same person and key: the answers carry over until the child updates them.
        form_sealed=original.form_sealed,
        submitted_at=timezone.now(),
        office_code=original.office_code,
        reregistration_of=original,
        due_on=child.reregistration_due_on
        + dt.timedelta(days=program.eligibility.child_reregister_days),
    )
    CaseTransition.objects.create(
        registration=case,
        from_state=CaseState.DRAFT,
        to_state=CaseState.SUBMITTED,
        actor=None,
        actor_role="system",
        reason=REASON_REREGISTRATION_AT_AGE,
    )
    audit.record(
        actor=audit.SYSTEM,
        action=Action.CREATE,
        subject_id=child.id,
        object_type="registration",
        object_id=str(case.case_number),
        purpose="reregistration-at-age",
        detail={"reregistration_of": original.case_number},
    )
    for hook in OPENED_HOOKS:
        hook(case)
    if on_opened:
        on_opened(case)
    return case
