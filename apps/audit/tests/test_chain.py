"""The audit log: entries chain by subject, verification finds any change or gap."""

import io
import uuid

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from apps.audit import services as audit
from apps.audit.models import Action, AuditChainHead, AuditEntry

pytestmark = pytest.mark.django_db


def _write(subject: uuid.UUID | None, n: int = 1) -> None:
    for _ in range(n):
        with transaction.atomic():
            audit.record(actor=audit.SYSTEM, action=Action.READ, subject_id=subject, purpose="test")


def _drop_append_only_guard() -> None:
    """Simulates an attacker with DDL rights; the test transaction restores it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
        else:
            cursor.execute("DROP TRIGGER audit_entry_no_update")
            cursor.execute("DROP TRIGGER audit_entry_no_delete")


def test_entries_chain_per_subject_and_verify() -> None:
    amal, bilal = uuid.uuid4(), uuid.uuid4()
    _write(amal, 3)
    _write(bilal, 2)
    _write(None, 1)
    entries = list(AuditEntry.objects.filter(subject_id=amal).order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].hash
    report = audit.verify()
    assert report.ok, report.problem
    assert report.entries_checked == 6
    assert report.chains_checked == 3


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match="inside"):
        audit.record(actor=audit.SYSTEM, action=Action.READ, subject_id=None)


def test_update_and_delete_are_refused_by_the_database() -> None:
    _write(uuid.uuid4())
    entry = AuditEntry.objects.get()
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(purpose="rewritten")
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()


def test_a_changed_entry_is_found() -> None:
    subject = uuid.uuid4()
    _write(subject, 3)
    _drop_append_only_guard()
    second = AuditEntry.objects.get(subject_id=subject, seq=2)
    AuditEntry.objects.filter(pk=second.pk).update(purpose="nothing to see")
    report = audit.verify()
    assert not report.ok
    assert report.entry_id == second.pk
    assert "changed" in report.problem


def test_a_removed_entry_in_the_middle_is_found() -> None:
    subject = uuid.uuid4()
    _write(subject, 3)
    _drop_append_only_guard()
    AuditEntry.objects.filter(subject_id=subject, seq=2).delete()
    report = audit.verify()
    assert not report.ok
    assert "#2 was removed" in report.problem


def test_a_removed_last_entry_is_found() -> None:
    subject = uuid.uuid4()
    _write(subject, 3)
    _drop_append_only_guard()
    AuditEntry.objects.filter(subject_id=subject, seq=3).delete()
    report = audit.verify()
    assert not report.ok
    assert "head records #3" in report.problem


def test_a_removed_chain_is_found() -> None:
    subject = uuid.uuid4()
    _write(subject, 2)
    _drop_append_only_guard()
    AuditEntry.objects.filter(subject_id=subject).delete()
    assert AuditChainHead.objects.filter(chain=f"s:{subject}").exists()
    report = audit.verify()
    assert not report.ok
    assert "no entries" in report.problem


def test_the_verify_command_exits_non_zero_on_a_broken_log() -> None:
    subject = uuid.uuid4()
    _write(subject, 2)
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "OK: 2 entries" in out.getvalue()

    _drop_append_only_guard()
    AuditEntry.objects.filter(subject_id=subject, seq=1).update(actor_role="officer")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify", stderr=err)
    assert exit_info.value.code == 1
    assert "BROKEN" in err.getvalue()


def test_a_reader_that_stops_early_does_not_wait_for_the_rest() -> None:
    """`audit verify` stops reading at the first broken entry; the thread fetching rows
    ahead must not be left blocked on its full queue (which hung verify on a big log)."""
    import threading

    from apps.audit.verify import pg_rows

    count = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s) "
        "SELECT i FROM n"
    )
    rows = pg_rows(connection.cursor(), count, [200_000])

    def read_one_batch() -> None:
        assert len(next(rows)) == 20_000
        rows.close()

    reader = threading.Thread(target=read_one_batch)
    reader.start()
    reader.join(timeout=60)
    assert not reader.is_alive()
