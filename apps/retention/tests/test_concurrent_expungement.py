"""Priya and the daily job expunge Amal at the same moment: one expungement, one
journal line, one receipt that both get back (PostgreSQL, real concurrent transactions)."""

import threading
from pathlib import Path

import pytest
from django.db import connection

from apps.accounts.models import User
from apps.audit.models import Action, AuditEntry
from apps.audit.services import SYSTEM, verify
from apps.retention import services
from apps.retention.models import Expungement
from apps.retention.receipts import ExpungementReceipt
from apps.retention.tests.conftest import file_for


@pytest.mark.django_db(transaction=True)
def test_simultaneous_expungements_happen_once(priya: User, journal_file: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; this race needs PostgreSQL's concurrency")
    person_id = file_for().person_id
    receipts: list[ExpungementReceipt] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def expunge(actor: object, ground: str) -> None:
        try:
            start.wait()
            receipts.append(services.expunge_person(actor, person_id, ground=ground))  # type: ignore[arg-type]
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [
        threading.Thread(target=expunge, args=(who, ground))
        for who, ground in [(priya, "court-order"), (SYSTEM, "naturalisation")] * 2
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert len({r.receipt_id for r in receipts}) == 1
    assert Expungement.objects.filter(person_id=person_id).count() == 1
    assert len(journal_file.read_text().splitlines()) == 1
    assert AuditEntry.objects.filter(action=Action.EXPUNGE, subject_id=person_id).count() == 1
    assert verify().ok
