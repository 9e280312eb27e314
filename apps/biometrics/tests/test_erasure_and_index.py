"""Amal is naturalised and her record expunged: her face and fingers leave every
index, in memory and on disk, and a probe with her face and fingers finds nobody. The
indexes are derived data: `manage.py biometrics rebuild-index` rewrites them from the
sealed templates, with progress the console can show."""

import io

import numpy as np
import pytest
from django.core.management import call_command

from apps.accounts.models import User
from apps.audit.models import AuditEntry
from apps.biometrics import access, indexes, services
from apps.biometrics.models import Enrolment, IndexStatus
from apps.biometrics.tests.conftest import (
    AMAL_FINGERS,
    BO_FINGERS,
    Committed,
    at_appointment,
    capture_of,
)
from apps.registrations.access import erase_person

pytestmark = pytest.mark.django_db


def enrol(
    user: User, officer: User, who: str, fingers: dict[int, int], committed: Committed
) -> Enrolment:
    with committed():
        return services.capture(officer, at_appointment(user, officer), capture_of(who, fingers))


def probe_hits(templates: access.Templates) -> tuple[set[int], set[int]]:
    assert templates.face is not None
    faces = {i for i, d in indexes.search_face(templates.face, 10) if d < 0.6}
    fingers = {
        i for t in templates.fingers.values() for i, s in indexes.search_fingers(t, 10) if s >= 40
    }
    return faces, fingers


def test_an_erased_person_leaves_every_index(
    amal: User, bo: User, olu: User, priya: User, committed: Committed
) -> None:
    hers = enrol(amal, olu, "astronaut", AMAL_FINGERS, committed)
    his = enrol(bo, olu, "grace_hopper", BO_FINGERS, committed)
    templates = access.open_templates(hers)
    faces, fingers = probe_hits(templates)
    assert faces == {hers.pk}
    assert fingers == set(templates.finger_ids.values())
    vector = np.asarray(templates.face, dtype=np.float32).tobytes()
    assert vector in indexes.face_bytes()  # below 20,000 faces the index is exact
    assert all(t in indexes.finger_bytes() for t in templates.fingers.values())

    with committed():
        erase_person(priya, hers.person_id, reason="naturalisation")

    assert probe_hits(templates) == (set(), set())
    assert vector not in indexes.face_bytes()
    assert not any(t in indexes.finger_bytes() for t in templates.fingers.values())
    hers.refresh_from_db()
    assert hers.state == Enrolment.State.REMOVED
    assert hers.face_sealed is None
    assert not hers.fingers.filter(template_sealed__isnull=False).exists()
    # Bo is still found.
    assert probe_hits(access.open_templates(his))[0] == {his.pk}
    # A rebuild does not bring her back.
    call_command("biometrics", "rebuild-index", stdout=io.StringIO())
    assert probe_hits(templates) == (set(), set())
    assert vector not in indexes.face_bytes()


def test_rebuild_index_from_the_sealed_templates(
    amal: User, bo: User, olu: User, committed: Committed, index_dir: object
) -> None:
    hers = enrol(amal, olu, "astronaut", AMAL_FINGERS, committed)
    enrol(bo, olu, "grace_hopper", BO_FINGERS, committed)
    import shutil

    shutil.rmtree(indexes.directory(indexes.FACE))
    shutil.rmtree(indexes.directory(indexes.FINGERS))
    assert probe_hits(access.open_templates(hers)) == (set(), set())

    out = io.StringIO()
    call_command("biometrics", "rebuild-index", stdout=out)
    lines = out.getvalue().splitlines()
    assert any(line.startswith("face") and "2/2" in line for line in lines)
    assert any(line.startswith("fingers") and "4/4" in line for line in lines)
    assert "OK: face index rebuilt with 2 entries." in lines
    faces, fingers = probe_hits(access.open_templates(hers))
    assert faces == {hers.pk}
    assert len(fingers) == 2
    status = {row.name: row for row in IndexStatus.objects.all()}
    assert status["face"].entries == 2
    assert status["fingers"].entries == 4
    assert status["fingers"].percent == 100
    assert not status["face"].rebuilding
    assert AuditEntry.objects.filter(object_type="biometric_index").count() == 2

    only_face = io.StringIO()
    call_command("biometrics", "rebuild-index", "--face", stdout=only_face)
    assert "fingers" not in only_face.getvalue()
