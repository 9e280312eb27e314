"""A partner's face probe is searched 1:N at the program's threshold. A probe that does
not match is not stored anywhere: not in the database, the logs, the index files or a
temporary file; a match is logged without the probe."""

import hashlib
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.conf import LazySettings
from django.db import connection

from apps.accounts.models import User
from apps.audit.models import Action, AuditEntry
from apps.biometrics import services as biometrics
from apps.biometrics.tests.conftest import AMAL_FINGERS, at_appointment, capture_of, face
from apps.registrations.models import CaseState, Registration

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def index_dir(settings: LazySettings, tmp_path: Path) -> Path:
    settings.BIOMETRICS_INDEX_DIR = tmp_path / "indexes"
    return Path(settings.BIOMETRICS_INDEX_DIR)


@pytest.fixture
def amal_enrolled(amal: User, olu: User, django_capture_on_commit_callbacks: Any) -> Registration:
    case = at_appointment(amal, olu)
    with django_capture_on_commit_callbacks(execute=True):
        biometrics.capture(olu, case, capture_of("astronaut", AMAL_FINGERS))
    Registration.objects.filter(pk=case.pk).update(state=CaseState.REGISTERED)
    case.refresh_from_db()
    return case


def probe(partner: Any, photo: bytes, reference: str = "BOOKING-9") -> Any:
    return partner.http.post(
        "/api/v1/partner/queries/face",
        {"reference": reference, "photo": _file(photo)},
        HTTP_AUTHORIZATION=f"Bearer {partner.token}",
    )


def _file(content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("probe.jpg", content, content_type="image/jpeg")


def row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for model in django_apps.get_models():
            table = model._meta.db_table
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def files_under(path: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in path.rglob("*") if p.is_file()
    }


def test_a_face_probe_finds_the_registered_person(
    make_partner: Callable, amal_enrolled: Registration
):
    police = make_partner("police-paterson", "Paterson Police", query_types=["face_probe"])
    answer = probe(police, face("astronaut", "jpeg_q60"))
    assert answer.status_code == 200, answer.content
    assert answer.json()["hit"] is True
    entry = AuditEntry.objects.get(action=Action.DISCLOSE)
    assert entry.subject_id == amal_enrolled.person_id
    assert entry.detail["query"] == "face_probe"
    assert "photo" not in str(entry.detail)


def test_a_probe_that_does_not_match_leaves_nothing(  # noqa: PLR0917 - pytest fixtures
    make_partner: Callable,
    amal_enrolled: Registration,
    index_dir: Path,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    settings: LazySettings,
):
    police = make_partner("police-paterson", "Paterson Police", query_types=["face_probe"])
    stranger = face("grace_hopper")
    rows, indexes = row_counts(), files_under(index_dir)
    # Every temporary file this process could make goes to an empty directory of its own
    # (the machine's /tmp is shared with other processes).
    private_temp = tmp_path / "temp"
    private_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_temp))
    settings.FILE_UPLOAD_TEMP_DIR = str(private_temp)
    caplog.set_level(logging.DEBUG)

    answer = probe(police, stranger)

    assert answer.status_code == 200, answer.content
    assert answer.json()["hit"] is False
    changed = {t for t, n in row_counts().items() if rows[t] != n}
    # Only the counters move: this minute's rate window and the month's query count.
    assert changed <= {"partners_ratewindow", "partners_usagemonth"}
    assert files_under(index_dir) == indexes
    assert list(private_temp.iterdir()) == []
    assert not [r for r in caplog.records if "grace" in r.getMessage().lower()]
    assert not AuditEntry.objects.filter(action=Action.DISCLOSE).exists()


def test_bad_probes_get_a_clear_422(make_partner: Callable, amal_enrolled: Registration):
    police = make_partner("police-paterson", "Paterson Police", query_types=["face_probe"])
    unreadable = probe(police, b"not an image")
    assert unreadable.status_code == 422
    assert "PNG or JPEG" in unreadable.json()["message"]
    faceless = probe(police, face("astronaut", "blurred_3"))
    assert faceless.status_code in (200, 422)


def test_a_partner_without_face_probes_is_refused_before_the_photo_is_read(
    make_partner: Callable, amal_enrolled: Registration
):
    port = make_partner("port-newark")
    answer = probe(port, face("astronaut"))
    assert answer.status_code == 403
    assert "does not allow" in answer.json()["message"]
