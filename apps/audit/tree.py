"""The Merkle tree over the audit log: sequencing, signed tree heads and proofs.

Entries commit in per-subject chains, in no global order. The sequencer (run by
`sign_tree_head`, on a schedule and on demand) gives the committed entries waiting in
`AuditPending` the next leaf indexes, in id order, as Trillian's integrate step does;
within a chain ids grow with `seq`, so every chain enters the tree in its own order.
See docs/architecture.md, "The audit log".
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from hashlib import sha256
from typing import TypeVar

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from apps.audit import merkle
from apps.audit.hashing import HASH_FORMAT, canonical_bytes
from apps.audit.models import (
    Action,
    AuditEntry,
    AuditLeaf,
    AuditNode,
    AuditPending,
    AuditTreeHead,
)
from apps.audit.pg_append import binding_cursor

NODE_LEVEL = 8  # keep interior hashes of subtrees of 256 leaves and more
SIGNING_PURPOSE = "audit-head"
BATCH = 5000
_SEQUENCER_LOCK = 7_262_009  # pg_advisory_xact_lock key: one sequencer at a time
_ZERO = bytes(merkle.HASH_SIZE)
T = TypeVar("T")


class TreeError(Exception):
    """The stored tree cannot be extended or proven: run `manage.py audit verify`."""


def entry_bytes(entry: AuditEntry) -> bytes:
    return canonical_bytes(
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


def sequenced_size() -> int:
    last = AuditLeaf.objects.aggregate(last=Max("leaf_index"))["last"]
    return 0 if last is None else last + 1


class StoredTree:
    """Perfect-subtree hashes read from the database in two queries: stored nodes for
    levels >= NODE_LEVEL, leaf hashes (by blocks of 2**NODE_LEVEL) below that."""

    def __init__(self, keys: Iterable[tuple[int, int]]) -> None:
        keys = set(keys)
        high = [(level, index) for level, index in keys if level >= NODE_LEVEL]
        blocks = {(index << level) >> NODE_LEVEL for level, index in keys if level < NODE_LEVEL}
        self.nodes: dict[tuple[int, int], bytes] = {}
        if high:
            wanted = Q()
            for level, index in high:
                wanted |= Q(level=level, index=index)
            for level, index, digest in AuditNode.objects.filter(wanted).values_list(
                "level", "index", "hash"
            ):
                self.nodes[level, index] = bytes(digest)
        self.leaves: dict[int, bytes] = {}
        if blocks:
            ranges = Q()
            for block in blocks:
                start = block << NODE_LEVEL
                ranges |= Q(leaf_index__gte=start, leaf_index__lt=start + (1 << NODE_LEVEL))
            rows = AuditLeaf.objects.filter(ranges).values_list("leaf_index", "leaf_hash")
            self.leaves = {index: bytes(digest) for index, digest in rows}

    def get(self, level: int, index: int) -> bytes:
        try:
            if level >= NODE_LEVEL:
                return self.nodes[level, index]
            start = index << level
            return merkle.root_of(self.leaves[i] for i in range(start, start + (1 << level)))
        except KeyError as missing:
            raise TreeError(f"the stored tree lacks {missing}: run `audit verify`") from None


def with_stored_tree(compute: Callable[[merkle.Subtree], T]) -> T:
    """Run `compute` once to learn which subtrees it needs, load them, run it again."""
    keys: set[tuple[int, int]] = set()

    def record(level: int, index: int) -> bytes:
        keys.add((level, index))
        return _ZERO

    compute(record)
    return compute(StoredTree(keys).get)


def _lock_sequencer() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEQUENCER_LOCK])
    # SQLite runs one writing transaction at a time (IMMEDIATE), which is the lock.


@dataclass(frozen=True)
class Sequenced:
    tree_size: int
    root_hash: bytes
    added: int


def sequence(limit: int | None = None) -> Sequenced:
    """Append the committed entries waiting in `AuditPending` to the tree, in id order,
    storing leaves and interior nodes, and return the new size and root.

    Runs in the caller's transaction under the sequencer lock. Raises TreeError when a
    waiting entry no longer matches its own hash (it was changed before it could enter
    the tree) or has disappeared, so a tampered entry is never sealed in."""
    if not connection.in_atomic_block:
        raise RuntimeError("sequence() must run inside transaction.atomic()")
    _lock_sequencer()
    size = sequenced_size()
    keys = merkle.frontier_subtrees(size)
    store = StoredTree(keys)
    nodes: list[AuditNode] = []

    def keep(level: int, index: int, digest: bytes) -> None:
        nodes.append(AuditNode(level=level, index=index, hash=digest))

    frontier = merkle.Frontier(size, [store.get(*key) for key in keys], keep, NODE_LEVEL)
    pending = AuditPending.objects.order_by("entry_id").values_list("entry_id", flat=True)
    ids = list(pending[:limit] if limit else pending)
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        entries = _canonical(batch)
        if len(entries) != len(batch):
            gone = sorted(set(batch) - {entry_id for entry_id, _data, _hash in entries})
            raise TreeError(f"entry {gone[0]} waits for the tree but no longer exists")
        leaves = []
        for entry_id, data, stored_hash in entries:
            if sha256(data).hexdigest() != stored_hash:
                raise TreeError(f"entry {entry_id} no longer matches its hash: not sequenced")
            leaf = merkle.leaf_hash(data)
            leaves.append((frontier.size, entry_id, leaf))
            frontier.append(leaf)
        _store(leaves, nodes, batch)
        nodes.clear()
    return Sequenced(frontier.size, frontier.root(), len(ids))


def _canonical(ids: list[int]) -> list[tuple[int, bytes, str]]:
    """(id, canonical bytes, stored hash) of the entries with these ids, in id order."""
    if connection.vendor == "postgresql":
        from apps.audit.verify import WAITING_ROWS, Details, row_bytes

        details: Details = {}
        with connection.cursor() as cursor:
            cursor.execute(WAITING_ROWS, [HASH_FORMAT, ids])
            return [(row[0], row_bytes(row, details), row[18]) for row in cursor.fetchall()]
    entries = AuditEntry.objects.filter(id__in=ids).order_by("id")
    return [(entry.pk, entry_bytes(entry), entry.hash) for entry in entries]


_INSERT_LEAVES = """INSERT INTO audit_auditleaf (leaf_index, entry_id, leaf_hash)
    SELECT * FROM unnest(%b::bigint[], %b::bigint[], %b::bytea[])"""


def _store(leaves: list[tuple[int, int, bytes]], nodes: list[AuditNode], done: list[int]) -> None:
    """Write a batch's leaves and interior nodes and take its entries off the queue. On
    PostgreSQL in two statements with the values as arrays (the ORM would send 15,000
    parameters quoted into the text)."""
    if connection.vendor == "postgresql" and leaves:
        with binding_cursor() as cursor:
            cursor.execute(_INSERT_LEAVES, [list(column) for column in zip(*leaves, strict=True)])
            cursor.execute("DELETE FROM audit_auditpending WHERE entry_id = ANY(%b)", [done])
    else:
        AuditLeaf.objects.bulk_create(
            AuditLeaf(leaf_index=index, entry_id=entry_id, leaf_hash=leaf)
            for index, entry_id, leaf in leaves
        )
        AuditPending.objects.filter(entry_id__in=done).delete()
    AuditNode.objects.bulk_create(nodes)


def latest_head() -> AuditTreeHead | None:
    return AuditTreeHead.objects.order_by("-tree_size", "-timestamp_ms", "-id").first()


def _only_head_entries(first: int, second: int) -> bool:
    """True when leaves [first, second) are all entries that record a signed head."""
    entry_ids = AuditLeaf.objects.filter(leaf_index__gte=first, leaf_index__lt=second).values(
        "entry_id"
    )
    others = AuditEntry.objects.filter(id__in=entry_ids).exclude(
        action=Action.SIGN, object_type="tree_head"
    )
    return not others.exists()


def sign_tree_head(*, force: bool = False) -> AuditTreeHead:
    """Sequence the waiting entries and sign the new tree head.

    Returns the latest head unchanged when the tree has not grown (or grew only by the
    entry that recorded the previous head: signing that alone would sign forever), unless
    `force`. Records a SIGN "tree_head" entry on the system chain, which the next head
    takes in. Idempotent; safe to run from several workers (one sequencer at a time)."""
    from apps.audit import services as audit
    from apps.vault import signing

    with transaction.atomic():
        sequenced = sequence()
        latest = latest_head()
        if latest is not None and not force:
            grown = sequenced.tree_size > latest.tree_size
            if not grown or _only_head_entries(latest.tree_size, sequenced.tree_size):
                return latest
        timestamp_ms = int(timezone.now().timestamp() * 1000)
        if latest is not None:
            timestamp_ms = max(timestamp_ms, latest.timestamp_ms)
        message = merkle.tree_head_message(timestamp_ms, sequenced.tree_size, sequenced.root_hash)
        signature = signing.sign(SIGNING_PURPOSE, message)
        head = AuditTreeHead.objects.create(
            tree_size=sequenced.tree_size,
            root_hash=sequenced.root_hash,
            timestamp_ms=timestamp_ms,
            kid=signature.kid,
            signature=signature.signature,
        )
        audit.record(
            actor=audit.SYSTEM,
            action=Action.SIGN,
            subject_id=None,
            object_type="tree_head",
            object_id=str(head.pk),
            detail={"tree_size": head.tree_size, "root_hash": sequenced.root_hash.hex()},
        )
    return head


@dataclass(frozen=True)
class InclusionProof:
    entry_id: int
    leaf_index: int
    tree_size: int
    leaf_hash: bytes
    path: list[bytes]


def inclusion_proof(entry_id: int, tree_size: int) -> InclusionProof | None:
    """The audit path of an entry in the tree of `tree_size` leaves; None when the
    entry is not (yet) in that tree."""
    leaf = AuditLeaf.objects.filter(entry_id=entry_id, leaf_index__lt=tree_size).first()
    if leaf is None:
        return None
    path = with_stored_tree(lambda get: merkle.inclusion_path(leaf.leaf_index, tree_size, get))
    return InclusionProof(entry_id, leaf.leaf_index, tree_size, bytes(leaf.leaf_hash), path)


def consistency_proof(first: int, second: int) -> list[bytes]:
    """RFC 9162 consistency proof between the trees of `first` and `second` leaves."""
    return with_stored_tree(lambda get: merkle.consistency_path(first, second, get))


def root_at(size: int) -> bytes:
    """The root of the first `size` leaves, from the stored tree."""
    return with_stored_tree(lambda get: merkle.subtree_hash(0, size, get))
