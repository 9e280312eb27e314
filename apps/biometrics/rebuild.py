"""Rebuilding the search indexes from the sealed templates (the database is the
truth; the index files are derived). Progress goes to a callback (the command prints
lines) and to the IndexStatus row, which the console's index page shows."""

from collections.abc import Callable, Iterator

import numpy as np
from django.db import transaction
from django.utils import timezone

from apps.audit import services as audit
from apps.audit.models import Action
from apps.audit.services import SYSTEM
from apps.biometrics import access, indexes
from apps.biometrics.models import Enrolment, Finger, IndexStatus

Report = Callable[[str, int, int], None]
STEPS = 20  # progress lines (and status-row updates) per rebuild, at most


def rebuild(names: list[str], report: Report) -> dict[str, int]:
    """Rebuild the named indexes ("face", "fingers"); returns their sizes. Logs one
    system audit entry per index (UPDATE "biometric_index"), since the rebuild opens
    every live template."""
    sizes: dict[str, int] = {}
    for name in names:
        live = Enrolment.objects.filter(state=Enrolment.State.SEARCHED)
        if name == indexes.FACE:
            total = live.filter(face_sealed__isnull=False).count()
        else:
            total = Finger.objects.filter(enrolment__in=live, template_sealed__isnull=False).count()
        status = _start(name, total)
        tick = _ticker(status, report, total)
        if name == indexes.FACE:
            sizes[name] = indexes.rebuild_face(_faces(tick), total, lambda done, of: None)
        else:
            sizes[name] = indexes.rebuild_fingers(_fingers(tick), total, lambda done, of: None)
        _finish(status, sizes[name], report)
    return sizes


def _faces(tick: Callable[[], None]) -> Iterator[tuple[int, np.ndarray]]:
    for templates in access.iter_index_items(fingers=False):
        if templates.face is not None:
            tick()
            yield templates.enrolment_id, templates.face


def _fingers(tick: Callable[[], None]) -> Iterator[tuple[int, bytes]]:
    for templates in access.iter_index_items(face=False):
        for position, template in templates.fingers.items():
            tick()
            yield templates.finger_ids[position], template


def _start(name: str, total: int) -> IndexStatus:
    status, _ = IndexStatus.objects.get_or_create(name=name)
    status.rebuild_started_at = timezone.now()
    status.rebuild_finished_at = None
    status.rebuild_done = 0
    status.rebuild_total = total
    status.save()
    return status


def _ticker(status: IndexStatus, report: Report, total: int) -> Callable[[], None]:
    step = max(1, total // STEPS)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if done % step == 0 or done == total:
            IndexStatus.objects.filter(pk=status.pk).update(rebuild_done=done)
            report(status.name, done, total)

    return tick


def _finish(status: IndexStatus, size: int, report: Report) -> None:
    with transaction.atomic():
        IndexStatus.objects.filter(pk=status.pk).update(
            rebuild_finished_at=timezone.now(), entries=size, rebuild_done=status.rebuild_total
        )
        audit.record(
            actor=SYSTEM,
            action=Action.UPDATE,
            subject_id=None,
            object_type="biometric_index",
            object_id=status.name,
            detail={"rebuilt": True, "entries": size},
        )
    report(status.name, status.rebuild_total, status.rebuild_total)
