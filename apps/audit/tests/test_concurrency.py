"""Writers in parallel, on PostgreSQL: the one-statement append keeps every chain whole
when many writers hit the same subject, and the sequencer takes in all of them."""

import threading
import uuid

import pytest
from django.db import IntegrityError, connection, transaction

from apps.audit import services as audit
from apps.audit import tree
from apps.audit.models import Action, AuditChainHead, AuditEntry

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="committed transactions in parallel; the audit trigger breaks flush on SQLite",
    ),
]


def test_parallel_writers_keep_each_chain_whole() -> None:
    amal, bilal = uuid.uuid4(), uuid.uuid4()
    errors: list[BaseException] = []

    def writer(subject: uuid.UUID) -> None:
        try:
            for _ in range(25):
                with transaction.atomic():
                    audit.record(actor=audit.SYSTEM, action=Action.READ, subject_id=subject)
        except BaseException as error:  # reported by the test thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(s,)) for s in (amal, amal, amal, bilal)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    seqs = list(
        AuditEntry.objects.filter(subject_id=amal).order_by("id").values_list("seq", flat=True)
    )
    assert seqs == list(range(1, 76))  # ids grow with seq: what the sequencer relies on
    assert AuditChainHead.objects.get(chain=f"s:{amal}").seq == 75
    head = tree.sign_tree_head()
    assert head.tree_size == 100
    report = audit.verify()
    assert report.ok, report.problem


def test_a_wrong_new_subject_claim_is_refused() -> None:
    subject = uuid.uuid4()
    with transaction.atomic():
        audit.record(actor=audit.SYSTEM, action=Action.CREATE, subject_id=subject)
    with pytest.raises(IntegrityError), transaction.atomic():
        audit.record(actor=audit.SYSTEM, action=Action.READ, subject_id=subject, new_subject=True)
    assert audit.verify().ok
