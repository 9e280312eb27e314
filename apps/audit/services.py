"""Writing and verifying the audit log.

`record` must run inside the transaction of the action it describes: the entry and the
action commit together or not at all. Writers about the same subject are ordered by a
row lock on that subject's chain head; writers about different subjects do not wait
for each other (see docs/architecture.md, "The audit log").
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from apps.audit.hashing import GENESIS_HASH, entry_hash
from apps.audit.models import Action, AuditChainHead, AuditEntry, chain_for


class ActorLike(Protocol):
    @property
    def pk(self) -> Any: ...

    @property
    def role(self) -> str: ...


@dataclass(frozen=True)
class SystemActor:
    """Work done by the system itself (a scheduled job, a CLI run by an operator)."""

    pk: None = None
    role: str = "system"


SYSTEM = SystemActor()


def record(
    *,
    actor: ActorLike,
    action: Action,
    subject_id: uuid.UUID | None,
    new_subject: bool = False,
    **about: Any,
) -> AuditEntry:
    """Append one entry to the subject's chain, in the caller's transaction.

    `about` takes object_type, object_id, purpose, legal_basis, reference and detail
    (codes only, never personal data). `new_subject` says the subject was created in
    this transaction, so its chain has no head yet; the head's primary key still
    refuses a wrong claim. Raises RuntimeError outside `transaction.atomic()`, because
    an entry committed apart from its action could record something that never happened.
    """
    _require_transaction()
    chain = chain_for(subject_id)
    head = (
        None
        if new_subject
        else AuditChainHead.objects.select_for_update().filter(chain=chain).first()
    )
    if head is None:
        entry, new_head = _entry(chain, 1, GENESIS_HASH, actor, action, subject_id, about)
        entry.save(force_insert=True)
        new_head.save(force_insert=True)
        return entry
    entry, _ = _entry(chain, head.seq + 1, head.head_hash, actor, action, subject_id, about)
    entry.save(force_insert=True)
    AuditChainHead.objects.filter(chain=chain).update(seq=entry.seq, head_hash=entry.hash)
    return entry


def first_entry(
    *, actor: ActorLike, action: Action, subject_id: uuid.UUID | None, **about: Any
) -> tuple[AuditEntry, AuditChainHead]:
    """The first entry of a new subject's chain and the chain's head, unsaved, for a
    caller that writes a new person's rows in one statement. The caller must insert
    both in the transaction of the action they describe."""
    _require_transaction()
    return _entry(chain_for(subject_id), 1, GENESIS_HASH, actor, action, subject_id, about)


def _require_transaction() -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record() must run inside the action's transaction.atomic()")


ABOUT_FIELDS = ("object_type", "object_id", "purpose", "legal_basis", "reference", "detail")


def _entry(  # noqa: PLR0917 - private; every call site names the chain position
    chain: str,
    seq: int,
    prev_hash: str,
    actor: ActorLike,
    action: Action,
    subject_id: uuid.UUID | None,
    about: dict[str, Any],
) -> tuple[AuditEntry, AuditChainHead]:
    unknown = set(about) - set(ABOUT_FIELDS)
    if unknown:
        raise TypeError(f"unknown audit fields: {sorted(unknown)}")
    fields: dict[str, Any] = {
        "chain": chain,
        "seq": seq,
        "at": timezone.now(),
        "actor_id": actor.pk,
        "actor_role": actor.role,
        "action": str(action),
        "subject_id": subject_id,
        "object_type": about.get("object_type", ""),
        "object_id": about.get("object_id", ""),
        "purpose": about.get("purpose", ""),
        "legal_basis": about.get("legal_basis", ""),
        "reference": about.get("reference", ""),
        "detail": about.get("detail") or {},
        "prev_hash": prev_hash,
    }
    digest = entry_hash(**fields)
    return AuditEntry(hash=digest, **fields), AuditChainHead(chain=chain, seq=seq, head_hash=digest)


def entries_about(subject_ids: Iterable[uuid.UUID]) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(subject_id__in=list(subject_ids)).order_by("-at", "-id")


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    entries_checked: int
    chains_checked: int
    problem: str = ""
    entry_id: int | None = None


def verify(progress: Callable[[int], None] | None = None) -> VerifyReport:  # noqa: PLR0911
    """Recompute every chain and compare it with the stored hashes and heads.

    Reports the first entry that is altered, out of place or missing (a gap in `seq`,
    or a chain whose head records more entries than are there).
    """
    heads = dict(AuditChainHead.objects.values_list("chain", "seq"))
    head_hashes = dict(AuditChainHead.objects.values_list("chain", "head_hash"))
    checked = 0
    chains_seen: set[str] = set()
    chain, expected_seq, prev_hash = "", 1, GENESIS_HASH
    entries = AuditEntry.objects.order_by("chain", "seq").iterator(chunk_size=5000)
    for entry in entries:
        if entry.chain != chain:
            problem = _check_chain_end(chain, expected_seq - 1, prev_hash, heads, head_hashes)
            if problem:
                return VerifyReport(False, checked, len(chains_seen), problem)
            chain, expected_seq, prev_hash = entry.chain, 1, GENESIS_HASH
            chains_seen.add(chain)
        if entry.seq != expected_seq:
            return _broken(checked, chains_seen, entry, f"entry {chain}#{expected_seq} is missing")
        if entry.prev_hash != prev_hash:
            return _broken(checked, chains_seen, entry, "its previous hash does not match")
        recomputed = entry_hash(
            chain=entry.chain,
            seq=entry.seq,
            at=entry.at,
            actor_id=entry.actor_id,
            actor_role=entry.actor_role,
            action=entry.action,
            subject_id=entry.subject_id,
            object_type=entry.object_type,
            object_id=entry.object_id,
            purpose=entry.purpose,
            legal_basis=entry.legal_basis,
            reference=entry.reference,
            detail=entry.detail,
            prev_hash=entry.prev_hash,
        )
        if recomputed != entry.hash:
            return _broken(checked, chains_seen, entry, "its content was changed")
        checked += 1
        expected_seq, prev_hash = expected_seq + 1, entry.hash
        if progress and checked % 10_000 == 0:
            progress(checked)
    problem = _check_chain_end(chain, expected_seq - 1, prev_hash, heads, head_hashes)
    if problem:
        return VerifyReport(False, checked, len(chains_seen), problem)
    orphan_heads = sorted(set(heads) - chains_seen)
    if orphan_heads:
        missing = f"chain {orphan_heads[0]} has a head but no entries: they were removed"
        return VerifyReport(False, checked, len(chains_seen), missing)
    return VerifyReport(True, checked, len(chains_seen))


def _check_chain_end(
    chain: str, last_seq: int, last_hash: str, heads: dict[str, int], hashes: dict[str, str]
) -> str:
    if not chain:
        return ""
    if heads.get(chain) != last_seq or hashes.get(chain) != last_hash:
        return (
            f"chain {chain} ends at #{last_seq} but its head records #{heads.get(chain)}: "
            "entries at the end were removed or the head was altered"
        )
    return ""


def _broken(checked: int, chains: set[str], entry: AuditEntry, why: str) -> VerifyReport:
    return VerifyReport(
        False,
        checked,
        len(chains),
        f"entry {entry.pk} ({entry.chain}#{entry.seq}) is broken: {why}",
        entry.pk,
    )
