"""`audit verify` in several processes (apps.audit.parallel), on PostgreSQL: it agrees
with the one-process check on an intact log, notices every kind of tampering the
one-process check names.

These tests commit (the workers read an exported snapshot, which needs a transaction of
its own), so each restores the append-only guards it lifts."""

import io
import uuid
from collections.abc import Callable, Iterator

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from apps.audit import services as audit
from apps.audit import tree
from apps.audit.hashing import GENESIS_HASH, entry_hash
from apps.audit.models import Action, AuditChainHead, AuditEntry, AuditLeaf, AuditTreeHead

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the parallel check reads a PostgreSQL snapshot"
    ),
]
GUARDED = ["audit_auditentry", "audit_auditleaf", "audit_audittreehead", "audit_auditchainhead"]


def _read(subject: uuid.UUID | None, **about: object) -> AuditEntry:
    with transaction.atomic():
        return audit.record(actor=audit.SYSTEM, action=Action.READ, subject_id=subject, **about)


def _story() -> list[AuditEntry]:
    """Forty people read a few times each, one awkward entry, two signed heads, and a
    few entries still waiting for the sequencer."""
    subjects = [uuid.uuid4() for _ in range(40)]
    entries = [_read(s, purpose="case-work") for s in subjects for _ in range(3)]
    entries.append(
        _read(
            subjects[0],
            reference='tab\there, "quoted", back\\slash, new\nline, é, 雪',
            detail={"b": [1, "x\\y"], "a": None, "ü": "\u2028"},
        )
    )
    tree.sign_tree_head()
    entries += [_read(s) for s in subjects[:5]]
    tree.sign_tree_head()
    entries += [_read(s) for s in subjects[5:8]]  # waiting
    return entries


@pytest.fixture
def lift_guards() -> Iterator[Callable[[], None]]:
    """An attacker with DDL rights; the guards come back after the test."""

    def lift() -> None:
        with connection.cursor() as cursor:
            for table in GUARDED:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")

    yield lift
    with connection.cursor() as cursor:
        for table in GUARDED:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def test_the_parallel_check_agrees_with_the_one_process_check() -> None:
    _story()
    one = audit.verify(workers=1)
    for workers in (2, 3):
        many = audit.verify(workers=workers)
        assert many == one
    assert one.ok, one.problem
    assert one.entries_checked == AuditEntry.objects.count()
    assert one.heads_checked == 2


def _change_purpose(entries: list[AuditEntry]) -> None:
    AuditEntry.objects.filter(pk=entries[7].pk).update(purpose="nothing-to-see")


def _rehash_changed(entries: list[AuditEntry]) -> None:
    target = AuditEntry.objects.get(pk=entries[20].pk)
    target.purpose = "rewritten"
    fields = {f: getattr(target, f) for f in ("chain", "seq", "at", "actor_id", "actor_role",
              "action", "subject_id", "object_type", "object_id", "purpose", "legal_basis",
              "reference", "detail", "prev_hash")}  # fmt: skip
    AuditEntry.objects.filter(pk=target.pk).update(purpose="rewritten", hash=entry_hash(**fields))


def _change_awkward(entries: list[AuditEntry]) -> None:
    AuditEntry.objects.filter(pk=entries[120].pk).update(reference='tab\there, "quoted"!')


def _remove_middle(entries: list[AuditEntry]) -> None:
    AuditEntry.objects.filter(pk=entries[40].pk).delete()


def _remove_waiting(entries: list[AuditEntry]) -> None:
    AuditEntry.objects.filter(pk=entries[-1].pk).delete()
    AuditChainHead.objects.filter(chain=entries[-1].chain).delete()


def _move_head(entries: list[AuditEntry]) -> None:
    AuditChainHead.objects.filter(chain=entries[0].chain).update(seq=2)


def _remove_head(entries: list[AuditEntry]) -> None:
    AuditChainHead.objects.filter(chain=entries[30].chain).delete()


def _insert_into_chain(entries: list[AuditEntry]) -> None:
    first = AuditEntry.objects.get(pk=entries[0].pk)
    forged = {
        "chain": first.chain, "seq": 1, "at": first.at, "actor_id": None,
        "actor_role": "system", "action": "read", "subject_id": first.subject_id,
        "object_type": "", "object_id": "", "purpose": "p", "legal_basis": "",
        "reference": "", "detail": {}, "prev_hash": GENESIS_HASH,
    }  # fmt: skip
    AuditEntry.objects.filter(pk=first.pk).delete()
    AuditEntry.objects.create(hash=entry_hash(**forged), **forged)


def _swap_leaves(entries: list[AuditEntry]) -> None:
    one, two = AuditLeaf.objects.order_by("leaf_index")[:2]
    AuditLeaf.objects.filter(pk=one.pk).update(entry_id=-1)
    AuditLeaf.objects.filter(pk=two.pk).update(entry_id=one.entry_id)
    AuditLeaf.objects.filter(pk=one.pk).update(entry_id=two.entry_id)


def _forge_head(entries: list[AuditEntry]) -> None:
    AuditTreeHead.objects.filter(pk=AuditTreeHead.objects.order_by("id")[0].pk).update(
        root_hash=b"\x00" * 32
    )


@pytest.mark.parametrize(
    "tamper",
    [
        _change_purpose,
        _rehash_changed,
        _change_awkward,
        _remove_middle,
        _remove_waiting,
        _move_head,
        _remove_head,
        _insert_into_chain,
        _swap_leaves,
        _forge_head,
    ],
)
def test_tampering_is_found_and_named_as_by_the_one_process_check(
    tamper: Callable[[list[AuditEntry]], None], lift_guards: Callable[[], None]
) -> None:
    entries = _story()
    lift_guards()
    tamper(entries)
    report = audit.verify(workers=2)
    assert not report.ok
    assert report == audit.verify(workers=1)


def test_the_verify_command_checks_in_several_processes(
    lift_guards: Callable[[], None],
) -> None:
    entries = _story()
    out, err = io.StringIO(), io.StringIO()
    call_command("audit", "verify", "--workers", "2", stdout=out, stderr=err)
    assert f"OK: {AuditEntry.objects.count()} entries" in out.getvalue()
    lift_guards()
    _change_purpose(entries)
    with pytest.raises(SystemExit) as exit_code:
        call_command("audit", "verify", "--workers", "2", stdout=out, stderr=err)
    assert exit_code.value.code == 1
    assert f"entry {entries[7].pk}" in err.getvalue()
    with pytest.raises(CommandError, match="--workers must be 1 or more"):
        call_command("audit", "verify", "--workers", "0")
