""" "Verify now" from the auditor's console: the whole-log check of `verify.py`, run as a
background task, with its progress kept on an `AuditVerification` row for the page to
poll.

The check reads the log from one snapshot, inside a transaction that lasts as long as
the check (a minute for ten million entries). Progress written from inside it would
stay invisible until the end, so a second thread, with a database connection of its
own, copies the count to the row twice a second. Progress is best effort: a tick that
cannot be written is skipped, and the outcome is written after the check, by the task.
Inside a caller's transaction (tests, the immediate task backend) the count is written
on the caller's connection instead.
"""

import threading
import uuid

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.audit import services as audit
from apps.audit.models import Action, AuditPending, AuditVerification, VerificationState
from apps.audit.tree import sequenced_size
from apps.audit.verify import VerifyReport
from registry.tasks import enqueue_in_transaction

PROGRESS_EVERY = 0.5  # seconds between progress writes


def start_verification(user: User) -> tuple[AuditVerification, bool]:
    """Ask for a check of the whole log; it runs as a task, enqueued with the request.

    Returns (verification, created). One check at a time: while one is waiting or
    running, asking again returns it (created=False) instead of starting another, so a
    double click, or two auditors at once, cost one check. The request is logged (CREATE
    "audit_verification" on the system chain)."""
    from apps.audit.tasks import run_verification

    with transaction.atomic():
        try:
            # The partial unique constraint on `active` lets one check wait or run at a
            # time, even when two requests race.
            with transaction.atomic():
                verification = AuditVerification.objects.create(requested_by=user)
        except IntegrityError:
            return AuditVerification.objects.get(active=True), False
        audit.record(
            actor=user,
            action=Action.CREATE,
            subject_id=None,
            object_type="audit_verification",
            object_id=str(verification.id),
        )
        # The task commits with the request (registry/tasks.py).
        enqueue_in_transaction(run_verification, str(verification.id))
    return verification, True


def run(verification_id: uuid.UUID) -> AuditVerification:
    """Run one requested check and store its outcome (state intact, broken, or failed
    with the error's name); log the outcome (UPDATE "audit_verification"). A check that
    already finished is returned as it is; one left "running" by a worker that died is
    run again."""
    with transaction.atomic():
        verification = AuditVerification.objects.select_for_update().get(pk=verification_id)
        if verification.finished:
            return verification
        verification.state = VerificationState.RUNNING
        verification.started_at = timezone.now()
        verification.total = sequenced_size() + AuditPending.objects.count()
        verification.checked = 0
        verification.save(update_fields=["state", "started_at", "total", "checked"])
    try:
        report = _checked_with_progress(verification.pk)
    except Exception as error:
        _finish(verification.pk, state=VerificationState.FAILED, error=type(error).__name__)
        raise
    return _finish(
        verification.pk,
        state=VerificationState.INTACT if report.ok else VerificationState.BROKEN,
        report=report,
    )


def _checked_with_progress(verification_id: uuid.UUID) -> VerifyReport:
    count = [0]

    def progress(checked: int) -> None:
        count[0] = checked
        if inline:
            AuditVerification.objects.filter(pk=verification_id).update(checked=checked)

    inline = connection.in_atomic_block
    if inline:
        return audit.verify(progress=progress)
    done = threading.Event()
    writer = threading.Thread(
        target=_write_progress, args=(verification_id, count, done), daemon=True
    )
    writer.start()
    try:
        return audit.verify(progress=progress)
    finally:
        done.set()
        writer.join()


def _write_progress(verification_id: uuid.UUID, count: list[int], done: threading.Event) -> None:
    """Copy the count to the row until the check ends (the writer thread)."""
    written = -1
    try:
        while not done.wait(PROGRESS_EVERY):
            if count[0] != written:
                try:
                    AuditVerification.objects.filter(pk=verification_id).update(checked=count[0])
                    written = count[0]
                except DatabaseError:
                    pass  # a busy database: skip this tick, the next one catches up
    finally:
        connection.close()  # this thread's own connection


def _finish(
    verification_id: uuid.UUID,
    *,
    state: str,
    report: VerifyReport | None = None,
    error: str = "",
) -> AuditVerification:
    with transaction.atomic():
        verification = AuditVerification.objects.select_for_update().get(pk=verification_id)
        verification.state = state
        verification.active = None
        verification.finished_at = timezone.now()
        verification.error = error[:200]
        if report is not None:
            verification.checked = report.entries_checked
            verification.chains_checked = report.chains_checked
            verification.tree_size = report.tree_size
            verification.heads_checked = report.heads_checked
            verification.root_hash = report.root_hash
            verification.problem = report.problem
            verification.problem_entry_id = report.entry_id
            verification.problem_leaf_index = report.leaf_index
        verification.save()
        audit.record(
            actor=audit.SYSTEM,
            action=Action.UPDATE,
            subject_id=None,
            object_type="audit_verification",
            object_id=str(verification.id),
            detail={"state": state, "entries": verification.checked},
        )
    return verification
