"""Writing and verifying the audit log.

`record` must run inside the transaction of the action it describes: the entry and the
action commit together or not at all. Writers about the same subject are ordered by a
row lock on that subject's chain head; writers about different subjects do not wait
for each other (see docs/architecture.md, "The audit log").
"""

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from apps.audit import pg_append
from apps.audit.hashing import GENESIS_HASH, entry_hash
from apps.audit.models import Action, AuditChainHead, AuditEntry, chain_for

if TYPE_CHECKING:
    from apps.audit.verify import VerifyReport


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
    if connection.vendor == "postgresql":
        _check_about(about)
        return pg_append.append(
            chain, actor.pk, actor.role, str(action), subject_id, about, new_subject=new_subject
        )
    head = None if new_subject else _head(chain)
    seq, prev_hash = (1, GENESIS_HASH) if head is None else (head.seq + 1, head.head_hash)
    entry, new_head = _entry(chain, seq, prev_hash, actor, action, subject_id, about)
    entry.save(force_insert=True)
    if head is None:
        new_head.save(force_insert=True)
    else:
        AuditChainHead.objects.filter(chain=chain).update(
            seq=entry.seq, head_hash=entry.hash, prev_hash=prev_hash
        )
    return entry


@dataclass(frozen=True)
class Event:
    """One entry for `record_many`: the arguments `record` takes."""

    actor: ActorLike
    action: Action
    subject_id: uuid.UUID | None
    about: dict[str, Any] = field(default_factory=dict)


def record_many(events: Sequence[Event]) -> list[int]:
    """Append several entries, in order, in the caller's transaction: what an action
    that touches many subjects at once (a bulk job, a key rotation) writes. On
    PostgreSQL this is three statements however many entries there are (pg_append.
    append_many), where `record` takes one round trip per entry. Returns the new
    entries' ids in the order given."""
    _require_transaction()
    for event in events:
        _check_about(event.about)
    if connection.vendor == "postgresql":
        return pg_append.append_many(
            [
                pg_append.Row(
                    chain_for(e.subject_id),
                    e.actor.pk,
                    e.actor.role,
                    str(e.action),
                    e.subject_id,
                    e.about,
                )
                for e in events
            ]
        )
    return [
        record(actor=e.actor, action=e.action, subject_id=e.subject_id, **e.about).pk
        for e in events
    ]


def _head(chain: str) -> AuditChainHead | None:
    # SQLite runs one writing transaction at a time, which orders a chain's writers.
    return AuditChainHead.objects.filter(chain=chain).first()


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


def _check_about(about: dict[str, Any]) -> None:
    unknown = set(about) - set(ABOUT_FIELDS)
    if unknown:
        raise TypeError(f"unknown audit fields: {sorted(unknown)}")


def _entry(  # noqa: PLR0917 - private; every call site names the chain position
    chain: str,
    seq: int,
    prev_hash: str,
    actor: ActorLike,
    action: Action,
    subject_id: uuid.UUID | None,
    about: dict[str, Any],
) -> tuple[AuditEntry, AuditChainHead]:
    _check_about(about)
    row = pg_append.Row(chain, actor.pk, actor.role, str(action), subject_id, about)
    fields = {**pg_append.entry_fields(row, timezone.now()), "seq": seq, "prev_hash": prev_hash}
    digest = entry_hash(**fields)
    new_head = AuditChainHead(chain=chain, seq=seq, head_hash=digest, prev_hash=prev_hash)
    return AuditEntry(hash=digest, **fields), new_head


def entries_about(subject_ids: Iterable[uuid.UUID]) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(subject_id__in=list(subject_ids)).order_by("-at", "-id")


def verify(
    progress: Callable[[int], None] | None = None, workers: int | None = None
) -> "VerifyReport":
    """Check every chain, leaf and signed head (apps.audit.verify)."""
    from apps.audit.verify import verify as verify_log

    return verify_log(progress, workers)
