"""`record_many`: several entries in one go, chained exactly as `record` chains them,
whole or not at all."""

import threading
import uuid

import pytest
from django.db import connection, transaction

from apps.audit import services as audit
from apps.audit import tree
from apps.audit.hashing import GENESIS_HASH, entry_hash
from apps.audit.models import Action, AuditChainHead, AuditEntry, AuditPending

pytestmark = pytest.mark.django_db


def _event(subject: uuid.UUID | None, **about: object) -> audit.Event:
    return audit.Event(actor=audit.SYSTEM, action=Action.READ, subject_id=subject, about=about)


def _stored_hash(entry: AuditEntry) -> str:
    fields = {
        name: getattr(entry, name)
        for name in (
            "chain", "seq", "at", "actor_id", "actor_role", "action", "subject_id",
            "object_type", "object_id", "purpose", "legal_basis", "reference", "detail",
            "prev_hash",
        )
    }  # fmt: skip
    return entry_hash(**fields)


def test_entries_continue_each_chain_in_the_order_given() -> None:
    amal, bilal, new = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    with transaction.atomic():
        audit.record(actor=audit.SYSTEM, action=Action.CREATE, subject_id=amal)
        audit.record(actor=audit.SYSTEM, action=Action.CREATE, subject_id=bilal)
    with transaction.atomic():
        ids = audit.record_many(
            [
                _event(amal, purpose="case-work", detail={"fields": ["address"]}),
                _event(new, reference="R-1"),
                _event(bilal),
                _event(amal, object_type="person", object_id=str(amal)),
                _event(None, detail={"z": 1, "a": ["é"]}),
            ]
        )
    by_id = AuditEntry.objects.in_bulk(ids)
    written = [by_id[pk] for pk in ids]
    assert [(e.chain, e.seq) for e in written] == [
        (f"s:{amal}", 2), (f"s:{new}", 1), (f"s:{bilal}", 2), (f"s:{amal}", 3), ("system", 1),
    ]  # fmt: skip
    assert written[1].prev_hash == GENESIS_HASH
    assert written[3].prev_hash == written[0].hash
    for entry in written:
        assert entry.hash == _stored_hash(entry)
    head = AuditChainHead.objects.get(chain=f"s:{amal}")
    assert (head.seq, head.head_hash, head.prev_hash) == (3, written[3].hash, written[0].hash)
    assert set(AuditPending.objects.values_list("entry_id", flat=True)) >= {e.pk for e in written}
    with transaction.atomic():
        audit.record(actor=audit.SYSTEM, action=Action.READ, subject_id=amal)
    assert AuditChainHead.objects.get(chain=f"s:{amal}").seq == 4
    tree.sign_tree_head()
    report = audit.verify()
    assert report.ok, report.problem
    assert report.tree_size == 8  # the head signing itself is logged after it


def test_nothing_is_written_for_an_empty_batch_or_an_unknown_field() -> None:
    with transaction.atomic():
        assert audit.record_many([]) == []
    with pytest.raises(TypeError, match="unknown audit fields"), transaction.atomic():
        audit.record_many([_event(uuid.uuid4()), _event(uuid.uuid4(), colour="red")])
    assert not AuditEntry.objects.exists()
    assert not AuditChainHead.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_recording_many_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match="inside"):
        audit.record_many([_event(None)])


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel committed writers")
def test_parallel_batches_over_the_same_chains_neither_deadlock_nor_fork() -> None:
    subjects = [uuid.uuid4() for _ in range(6)]
    errors: list[BaseException] = []

    def writer(order: list[uuid.UUID]) -> None:
        try:
            for _ in range(20):
                with transaction.atomic():
                    audit.record_many([_event(s) for s in order])
        except BaseException as error:  # reported by the test thread
            errors.append(error)
        finally:
            connection.close()

    orders = [subjects, subjects[::-1], subjects[2:] + subjects[:2], subjects[::2]]
    threads = [threading.Thread(target=writer, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    for subject in subjects:
        seqs = AuditEntry.objects.filter(subject_id=subject).order_by("id")
        expected = 20 * sum(subject in order for order in orders)
        assert list(seqs.values_list("seq", flat=True)) == list(range(1, expected + 1))
    tree.sign_tree_head()
    report = audit.verify()
    assert report.ok, report.problem
