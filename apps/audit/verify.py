"""`audit verify`: every chain, every leaf, the tree and every signed head, in one pass.

On PostgreSQL the rows stream from a server-side cursor in one REPEATABLE READ snapshot
(so writers can keep writing), with the time, subject and detail already formatted as
text by the server, which keeps the Python work per entry small (docs/benchmarks.md,
"Audit log"). Other databases go through the ORM.
"""

import contextlib
import json
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from hashlib import sha256
from typing import Any

import orjson
from django.db import connection, transaction

from apps.audit import parallel
from apps.audit.checker import Broken, Checker, H, Head, check_heads_against
from apps.audit.hashing import HASH_FORMAT, encode_json, iso_utc
from apps.audit.merkle import tree_head_message
from apps.audit.models import AuditChainHead, AuditEntry, AuditLeaf, AuditPending, AuditTreeHead
from apps.audit.tree import SIGNING_PURPOSE, sequenced_size


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    entries_checked: int
    chains_checked: int
    problem: str = ""
    entry_id: int | None = None
    leaf_index: int | None = None
    tree_size: int = 0
    heads_checked: int = 0
    root_hash: str = ""


Row = tuple[Any, ...]
# The time, subject and detail come as text, formatted by the server (the canonical
# form's time is UTC with microseconds); the rest is encoded by Python (hashing.py).
_COLUMNS = """e.id, l.leaf_index, l.leaf_hash, %s, e.chain, e.seq,
       to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'),
       e.actor_id, e.actor_role, e.action, e.subject_id::text, e.object_type, e.object_id,
       e.purpose, e.legal_basis, e.reference, e.detail::text, e.prev_hash, e.hash"""
_PG_ROWS = f"""SELECT {_COLUMNS}
FROM audit_auditentry e LEFT JOIN audit_auditleaf l ON l.entry_id = e.id
ORDER BY e.id"""  # noqa: S608 - constant SQL
# The entries with ids from %s to %s (bounding both sides keeps the merge join short).
RANGE_ROWS = f"""SELECT {_COLUMNS}
FROM audit_auditentry e LEFT JOIN audit_auditleaf l
    ON l.entry_id = e.id AND l.entry_id BETWEEN %s AND %s
WHERE e.id BETWEEN %s AND %s
ORDER BY e.id"""  # noqa: S608 - constant SQL
# Entries by id, for the sequencer: the same columns, no leaf yet.
WAITING_ROWS = f"""SELECT {_COLUMNS}
FROM audit_auditentry e LEFT JOIN audit_auditleaf l ON false
WHERE e.id = ANY(%s)
ORDER BY e.id"""  # noqa: S608 - constant SQL
_FETCH = 20_000
_DETAIL_CACHE = 100_000


# The canonical form (hashing.canonical_bytes) of a row's items, written by orjson: for
# strings, integers and null its output is json.dumps' with the canonical options, at a
# fifth of the cost (apps/audit/tests/test_hashing.py compares the two). The detail is the one
# item orjson would write differently (sorted keys, floats): it comes as a Fragment of
# the standard encoder's bytes, made once per distinct text (details are codes).
_dumps = orjson.dumps
Details = dict[str, orjson.Fragment]


def canonical_detail(text: str) -> orjson.Fragment:
    return orjson.Fragment(encode_json(json.loads(text)).encode())


def row_bytes(row: Row, details: Details) -> bytes:
    """An entry's canonical bytes from a row of _COLUMNS (what `feed` does inline)."""
    detail = details.get(row[16])
    if detail is None:
        detail = details.setdefault(row[16], canonical_detail(row[16]))
    return _dumps((*row[3:16], detail, row[17]))


def pg_rows(cursor: Any, query: str, params: list[Any]) -> Iterator[list[Row]]:
    """Rows from a server-side cursor, fetched by a second thread so that PostgreSQL
    prepares the next batch while Python checks this one (psycopg waits without the GIL)."""
    cursor.execute(query, params)
    batches: queue.Queue[list[Row] | BaseException | None] = queue.Queue(maxsize=3)
    stop = threading.Event()

    def fetch() -> None:
        try:
            while not stop.is_set() and (rows := cursor.fetchmany(_FETCH)):
                batches.put(rows)
            batches.put(None)
        except BaseException as error:  # handed to the reading thread
            batches.put(error)

    fetcher = threading.Thread(target=fetch, daemon=True)
    fetcher.start()
    try:
        while (batch := batches.get()) is not None:
            if isinstance(batch, BaseException):
                raise batch
            yield batch
    finally:
        # The reader may stop early (a broken entry): tell the fetcher, and take what it
        # still puts so that it is never left waiting on a full queue.
        stop.set()
        while fetcher.is_alive():
            with contextlib.suppress(queue.Empty):
                batches.get(timeout=0.05)
        fetcher.join()
        cursor.close()


def _orm_rows() -> Iterator[list[Row]]:
    leaves = {
        entry_id: (index, bytes(digest))
        for index, entry_id, digest in AuditLeaf.objects.values_list(
            "leaf_index", "entry_id", "leaf_hash"
        )
    }
    batch: list[Row] = []
    fields = AuditEntry.objects.order_by("id").values_list(
        "id", "chain", "seq", "at", "actor_id", "actor_role", "action", "subject_id",
        "object_type", "object_id", "purpose", "legal_basis", "reference", "detail",
        "prev_hash", "hash",
    )  # fmt: skip
    for e in fields.iterator(chunk_size=5000):
        index, digest = leaves.get(e[0], (None, None))
        subject = str(e[7]) if e[7] else None
        batch.append(
            (e[0], index, digest, HASH_FORMAT, e[1], e[2], iso_utc(e[3]), *e[4:7], subject,
             *e[8:13], encode_json(e[13]), *e[14:])
        )  # fmt: skip
        if len(batch) >= 5000:
            yield batch
            batch = []
    yield batch


def feed(
    checker: Checker,
    pending: set[int],
    progress: Callable[[int], None] | None,
    source: Iterable[list[Row]],
) -> set[int]:
    """The hot loop, about three microseconds of Python per entry (docs/benchmarks.md).
    The usual case (an entry in the tree that continues its chain) is checked inline;
    anything else goes through Checker.entry, which names the problem. Returns the ids of
    the queued entries met (waiting for the tree)."""
    chains, leaves, filled, size = checker.chains, checker.leaves, checker.filled, checker.tree_size
    chains_get, first_of, dumps = chains.get, checker.first_of, _dumps
    # Details are codes, so few distinct texts: keep each one's canonical JSON.
    details: Details = {}
    waiting: set[int] = set()
    for rows in source:
        inline = 0
        for row in rows:
            # row: id, leaf index, leaf hash, "v1", chain, seq, at, actor id, role, action,
            # subject, object type, object id, purpose, legal basis, reference, detail,
            # prev hash, hash
            detail = row[16]
            fragment = details.get(detail)
            if fragment is None:
                fragment = canonical_detail(detail)
                if len(details) < _DETAIL_CACHE:
                    details[detail] = fragment
            prev = row[17]
            data_bytes = dumps((*row[3:16], fragment, prev))  # as row_bytes
            digest = sha256(data_bytes).hexdigest()
            chain, seq, index = row[4], row[5], row[1]
            last = chains_get(chain)
            if last is None:
                last = first_of(chain, seq, prev, index is not None, row[0])
            if (
                index is not None
                and digest == row[18]
                and seq == last[0] + 1
                and prev == last[1]
                and not last[2]
                and index < size
                and not filled[index]
            ):
                leaf = sha256(b"\x00" + data_bytes).digest()
                if leaf == row[2]:
                    chains[chain] = (seq, digest, 0)
                    leaves[index * H : index * H + H] = leaf
                    filled[index] = 1
                    inline += 1
                    continue
            if index is None and row[0] in pending:
                waiting.add(row[0])
            elif index is None:
                raise Broken(
                    f"entry {row[0]} ({chain}#{seq}) is neither in the tree nor waiting for "
                    "it: its leaf or queue row was removed",
                    row[0],
                )
            stored_leaf = row[2]
            stored_leaf = bytes(stored_leaf) if stored_leaf is not None else None
            checker.entry(row[0], data_bytes, chain, seq, prev, row[18], index, stored_leaf)
        checker.entries += inline
        if progress:
            progress(checker.entries)
    return waiting


def _signature_checker() -> Callable[[Head], bool]:
    from apps.vault import signing

    def ok(head: Head) -> bool:
        message = tree_head_message(head.timestamp_ms, head.tree_size, head.root_hash)
        return signing.verify(SIGNING_PURPOSE, head.kid, message, head.signature)

    return ok


def stored_heads() -> list[Head]:
    return [
        Head(h.pk, h.tree_size, bytes(h.root_hash), h.timestamp_ms, h.kid, bytes(h.signature))
        for h in AuditTreeHead.objects.order_by("tree_size", "timestamp_ms", "id")
    ]


def _check_chain_heads(checker: Checker) -> None:
    chains, count = checker.chains, 0
    # A raw cursor: a million heads through the ORM's iterator cost seconds.
    with connection.chunked_cursor() as cursor:
        cursor.execute(f"SELECT chain, seq, head_hash FROM {AuditChainHead._meta.db_table}")  # noqa: S608
        while rows := cursor.fetchmany(50_000):
            count += len(rows)
            for chain, seq, head_hash in rows:
                last = chains.get(chain)
                if last is None:
                    raise Broken(f"chain {chain} has a head but no entries: they were removed")
                if last[0] != seq or last[1] != head_hash:
                    raise Broken(
                        f"chain {chain} ends at #{last[0]} but its head records #{seq}: "
                        "entries at the end were removed or the head was altered"
                    )
    if count != len(chains):
        headless = set(chains) - set(AuditChainHead.objects.values_list("chain", flat=True))
        raise Broken(f"chain {min(headless)} has entries but no head: the head was removed")


def _check_leaves_filled(checker: Checker) -> None:
    empty = checker.first_empty_leaf()
    if empty is None:
        return
    entry_id = AuditLeaf.objects.filter(leaf_index=empty).values_list("entry_id", flat=True)
    if entry_id:
        raise Broken(f"entry {entry_id[0]} (leaf {empty}) was removed", entry_id[0], empty)
    raise Broken(f"leaf {empty} was removed from the tree", None, empty)


# Below this many entries one process is quicker than starting several.
PARALLEL_FROM = 200_000


def verify(
    progress: Callable[[int], None] | None = None, workers: int | None = None
) -> VerifyReport:
    """Check the whole log; report the first entry changed, removed or inserted, or the
    first signed head that is forged or does not match the tree.

    On PostgreSQL a log of PARALLEL_FROM entries or more (or any log, given `workers`)
    is checked by several processes (apps.audit.parallel); if they find a problem, the
    one-process check below runs to name the first one."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        # One snapshot, so writers may go on; inside a caller's transaction (tests),
        # that transaction's own view is used.
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        tree_size = sequenced_size()
        pending = set(AuditPending.objects.values_list("entry_id", flat=True))
        heads = stored_heads()
        parallel_problem = ""
        count = workers or (parallel.default_workers() if tree_size >= PARALLEL_FROM else 1)
        if connection.vendor == "postgresql" and outermost and count > 1:
            report = _verify_in_parallel(tree_size, pending, heads, count, progress)
            if report.ok:
                return report
            parallel_problem = report.problem
        checker = Checker(tree_size)
        try:
            if connection.vendor == "postgresql":
                source = pg_rows(connection.chunked_cursor(), _PG_ROWS, [HASH_FORMAT])
            else:
                source = _orm_rows()
            waiting = feed(checker, pending, progress, source)
            _check_the_rest(checker, sorted(pending - waiting))
            size, root = checker.check_heads(heads, _signature_checker())
            if parallel_problem:  # the two checks disagree: never call such a log intact
                raise Broken(f"the parallel check found a problem: {parallel_problem}")
        except Broken as broken:
            return VerifyReport(
                False,
                checker.entries,
                len(checker.chains),
                str(broken),
                broken.entry_id,
                broken.leaf_index,
                checker.tree_size,
            )
    return VerifyReport(
        True, checker.entries, len(checker.chains), "", None, None, size, len(heads), root.hex()
    )


def _check_the_rest(checker: Checker, gone: list[int]) -> None:
    """After every entry was fed: no leaf missing, every chain head in place, no queued
    entry gone."""
    _check_leaves_filled(checker)
    _check_chain_heads(checker)
    if gone:
        raise Broken(f"entry {gone[0]} was removed before it entered the tree", gone[0])


def _verify_in_parallel(
    tree_size: int,
    pending: set[int],
    heads: list[Head],
    workers: int,
    progress: Callable[[int], None] | None,
) -> VerifyReport:
    """Chains and leaves in `workers` processes sharing this transaction's snapshot,
    then chain heads, the tree and the signed heads here."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_export_snapshot(), min(id), max(id) FROM audit_auditentry")
        snapshot, first_id, last_id = cursor.fetchone()
    outcome = parallel.check(
        params=parallel.connection_params(connection.settings_dict),
        snapshot=snapshot,
        ids=(first_id or 0, last_id or 0),
        tree_size=tree_size,
        pending=pending,
        workers=workers,
        progress=progress,
    )
    checker = outcome.checker
    try:
        if outcome.problem:
            raise Broken(outcome.problem)
        _check_the_rest(checker, sorted(pending - outcome.waiting))
        levels = outcome.tree.fold(workers)
        size, root = check_heads_against(levels, tree_size, heads, _signature_checker())
    except Broken as broken:
        return VerifyReport(False, checker.entries, len(checker.chains), str(broken))
    return VerifyReport(
        True, checker.entries, len(checker.chains), "", None, None, size, len(heads), root.hex()
    )
