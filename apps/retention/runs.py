"""Retention runs: plan who is due, wait for a privacy officer when the run is large,
then expunge each person with progress. Each step writes UPDATE "retention_run" on the
system chain of the audit log (no personal data: counts, states, the run id).

Idempotent: a person already expunged is never expunged twice (services.expunge_person
returns their first receipt), a person who became active again after the plan is
skipped, and a re-plan supersedes a plan still waiting for approval.
"""

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit import services as audit
from apps.audit.models import Action
from apps.audit.services import SYSTEM
from apps.programs.loader import available_programs, get_program
from apps.retention import rules, services, shells
from apps.retention.models import Expungement, RetentionRun, RunState
from registry.errors import Conflict
from registry.tasks import enqueue_in_transaction

Progress = Callable[[int, int], None]
PROGRESS_EVERY = 20


class RunNotApprovable(Conflict):
    code = "run_not_awaiting_approval"


class RunNotRunnable(Conflict):
    code = "run_not_approved"


def _log(actor: Any, run: RetentionRun, **detail: Any) -> None:
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        subject_id=None,
        object_type="retention_run",
        object_id=str(run.id),
        detail={"program": run.program, "state": run.state, **detail},
    )


def plan_run(
    program_slug: str, *, today: dt.date | None = None, dry_run: bool = False
) -> RetentionRun:
    """Find who is due and store the list (person ids, case numbers, grounds).

    A dry run only lists. Otherwise the run is approved at once when it would expunge
    at most the program's `bulk_approval_above` persons, and waits for a privacy
    officer's approval (approve_run) when it would expunge more; an older plan of the
    program still waiting is superseded."""
    program = get_program(program_slug)
    today = today or timezone.localdate()
    due = rules.due_persons(program, today)
    counts = dict(Counter(d.ground for d in due))
    if dry_run:
        state = RunState.DRY_RUN
    elif len(due) > program.retention.bulk_approval_above:
        state = RunState.AWAITING_APPROVAL
    else:
        state = RunState.APPROVED
    with transaction.atomic():
        if not dry_run:
            RetentionRun.objects.filter(
                program=program.slug, state=RunState.AWAITING_APPROVAL
            ).update(state=RunState.SUPERSEDED)
        run = RetentionRun.objects.create(
            program=program.slug,
            as_of=today,
            state=state,
            items=[d.as_item() for d in due],
            counts=counts,
            total=len(due),
            requested_by_role=SYSTEM.role,
        )
        _log(SYSTEM, run, total=run.total, counts=counts)
    return run


def approve_run(user: User, run_id: uuid.UUID, *, start: bool = True) -> RetentionRun:
    """A privacy officer approves a large run; it then starts as a task after the commit
    (`start=False`: the caller executes it, e.g. the command line, in the foreground).
    Raises RunNotApprovable unless the run is waiting for approval."""
    from apps.retention.tasks import execute_retention_run

    with transaction.atomic():
        run = RetentionRun.objects.select_for_update().get(pk=run_id)
        if run.state != RunState.AWAITING_APPROVAL:
            raise RunNotApprovable(
                _("This run is not waiting for approval (it is %(state)s).")
                % {"state": run.get_state_display()}
            )
        run.state = RunState.APPROVED
        run.approved_by = user
        run.approved_at = timezone.now()
        run.save(update_fields=["state", "approved_by", "approved_at"])
        _log(user, run, total=run.total)
        if start:  # the run's task commits with its approval
            enqueue_in_transaction(execute_retention_run, str(run.id))
    return run


def execute_run(run_id: uuid.UUID, *, progress: Progress | None = None) -> RetentionRun:
    """Expunge everyone on an approved run's list, re-checking each person first.

    Resumable: a run that stopped half-way (state running) continues where it stands,
    and a finished run is returned as it is. Raises RunNotRunnable for a dry run, a run
    waiting for approval or a superseded one."""
    with transaction.atomic():
        run = RetentionRun.objects.select_for_update().get(pk=run_id)
        if run.state == RunState.DONE:
            return run
        if run.state not in (RunState.APPROVED, RunState.RUNNING, RunState.FAILED):
            raise RunNotRunnable(
                _("Only an approved run can start (this one is %(state)s).")
                % {"state": run.get_state_display()}
            )
        run.state = RunState.RUNNING
        run.started_at = run.started_at or timezone.now()
        run.save(update_fields=["state", "started_at"])
    try:
        _expunge_items(run, progress)
    except Exception as exc:
        # Stop where it failed and say so on the run; executing it again resumes.
        RetentionRun.objects.filter(pk=run.pk).update(
            state=RunState.FAILED, error=f"{type(exc).__name__}"[:200]
        )
        raise
    with transaction.atomic():
        run.refresh_from_db()
        run.state = RunState.DONE
        run.finished_at = timezone.now()
        run.save(update_fields=["state", "finished_at"])
        _log(SYSTEM, run, total=run.total, expunged=run.expunged, skipped=run.skipped)
        if run.expunged:
            transaction.on_commit(lambda: shells.compact_after_commit(full=True))
    return run


def _expunge_items(run: RetentionRun, progress: Progress | None) -> None:
    program = get_program(run.program)
    total = len(run.items)
    expunged = skipped = 0
    for index, item in enumerate(run.items, start=1):
        person_id = uuid.UUID(item["person"])
        if services.is_expunged(person_id):
            # by this run before it stopped (counted), or by someone else since (not)
            done_here = Expungement.objects.filter(person_id=person_id, run=run).exists()
            expunged, skipped = expunged + done_here, skipped + (not done_here)
        elif rules.due_among(program, run.as_of, [person_id]):
            services.expunge_person(SYSTEM, person_id, ground=item["ground"], run=run)
            expunged += 1
        else:
            skipped += 1  # active again since the plan (e.g. reported a move)
        if index % PROGRESS_EVERY == 0 or index == total:
            RetentionRun.objects.filter(pk=run.pk).update(
                done=index, expunged=expunged, skipped=skipped
            )
            if progress:
                progress(index, total)


def daily(today: dt.date | None = None, *, progress: Progress | None = None) -> list[RetentionRun]:
    """The daily job: plan a run per program, execute those that need no approval, then
    rewrite the key table when anyone was expunged in the last day (by this job, by
    hand or by an approved run), so no destroyed key lingers in its files."""
    finished = []
    for program in available_programs():
        run = plan_run(program.slug, today=today)
        if run.state == RunState.APPROVED:
            run = execute_run(run.id, progress=progress)  # compacts when it expunged
        finished.append(run)
    since = timezone.now() - dt.timedelta(hours=25)
    by_hand = Expungement.objects.filter(at__gte=since, run__isnull=True).exists()
    if by_hand and not any(run.expunged for run in finished):
        shells.compact_after_commit(full=True)
    return finished
