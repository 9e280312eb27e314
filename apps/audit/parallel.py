"""`audit verify` on PostgreSQL in several processes: the fast path for a large log.

The entries are split into ranges of ids, one process per range, each reading its range
in id order from one exported snapshot and checking it with the same hot loop as the
one-process check (`verify.feed`): every hash, leaf and link inside the range. A chain
met for the first time in a later range is taken as continuing from the range before;
its first entry there is sent back, and this process links the ranges up in order, as
if one process had read them all. Leaf hashes go into shared memory by leaf index; the
tree is then folded in several processes too (`fold`).

A range stops at its first problem. Which problem comes first in the whole log is then
not known here, so `verify` runs the one-process check to name it.
"""

import mmap
import multiprocessing as mp
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from hashlib import sha256
from typing import Any

import psycopg
from psycopg import sql

from apps.audit import merkle
from apps.audit.checker import Broken, Checker, fold_levels
from apps.audit.hashing import GENESIS_HASH, HASH_FORMAT

H = merkle.HASH_SIZE
# PostgreSQL would read the leaves of a range through a hash of the whole leaf table, or
# in parallel workers on cores the processes here already use.
_SESSION = ("jit = off", "max_parallel_workers_per_gather = 0", "enable_hashjoin = off")


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def connection_params(settings: dict[str, Any]) -> dict[str, Any]:
    """psycopg.connect() arguments from a Django database's settings."""
    options = {k: v for k, v in settings.get("OPTIONS", {}).items() if isinstance(v, str | int)}
    params = {
        "dbname": settings["NAME"],
        "user": settings.get("USER") or None,
        "password": settings.get("PASSWORD") or None,
        "host": settings.get("HOST") or None,
        "port": settings.get("PORT") or None,
        **options,
    }
    return {k: v for k, v in params.items() if v is not None}


@dataclass(frozen=True)
class RangeResult:
    entries: int
    chains: dict[str, tuple[int, str, int]]  # where each chain stands at the range's end
    firsts: dict[str, tuple[int, str, bool, int]]  # each chain's first entry in the range
    waiting: set[int]
    problem: str = ""


@dataclass(frozen=True)
class Outcome:
    checker: Checker  # every chain and leaf, as if one process had read the whole log
    waiting: set[int]  # queued entries met
    problem: str


@contextmanager
def reading(params: dict[str, Any], snapshot: str) -> Iterator["psycopg.Connection[Any]"]:
    """A connection of its own, in a read-only transaction that sees `snapshot`, set up
    to read ranges of entries (_SESSION)."""
    with psycopg.connect(**params) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        conn.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
        for setting in _SESSION:
            conn.execute(f"SET {setting}")
        yield conn


def _check_range(  # noqa: PLR0917 - called with one range's arguments
    checker: Checker,
    params: dict[str, Any],
    snapshot: str,
    lo: int,
    hi: int,
    pending: set[int],
    progress: Callable[[int], None] | None,
) -> set[int]:
    from apps.audit.verify import RANGE_ROWS, feed, pg_rows

    with reading(params, snapshot) as conn:
        cursor = conn.cursor(name="audit_verify_range")
        rows = pg_rows(cursor, RANGE_ROWS, [HASH_FORMAT, lo, hi, lo, hi])
        return feed(checker, pending, progress, rows)


def _child(  # noqa: PLR0917 - a process target takes positional arguments
    checker: Checker,
    params: dict[str, Any],
    snapshot: str,
    bounds: tuple[int, int],
    pending: set[int],
    counts: Any,
    slot: int,
    out: Any,
) -> None:
    def progress(done: int) -> None:
        counts[slot] = done

    try:
        waiting = _check_range(checker, params, snapshot, *bounds, pending, progress)
        result = RangeResult(checker.entries, checker.chains, checker.firsts or {}, waiting)
    except Broken as broken:
        result = RangeResult(checker.entries, {}, {}, set(), str(broken))
    except BaseException as error:  # reported by the parent
        result = RangeResult(checker.entries, {}, {}, set(), f"a worker failed: {error!r}")
    out.send(result)


def ranges(ids: tuple[int, int], parts: int) -> list[tuple[int, int]]:
    """`parts` ranges of ids, together from ids[0] to ids[1]."""
    first, last = ids
    width = max(1, -(-(last - first + 1) // parts))
    return [(first + k * width, min(last, first + (k + 1) * width - 1)) for k in range(parts)]


def check(
    *,
    params: dict[str, Any],
    snapshot: str,
    ids: tuple[int, int],
    tree_size: int,
    pending: set[int],
    workers: int,
    progress: Callable[[int], None] | None,
) -> Outcome:
    """Check every entry in `workers` processes (this one included) reading `snapshot`."""
    ctx = mp.get_context("fork")  # children inherit the shared arrays and the queue set
    shared = (mmap.mmap(-1, max(1, tree_size * H)), mmap.mmap(-1, max(1, tree_size)))
    parts = ranges(ids, workers)
    counts = ctx.Array("q", len(parts))
    pipes, procs = [], []
    for slot, bounds in enumerate(parts[1:], start=1):
        receive, send = ctx.Pipe(duplex=False)
        later = Checker(tree_size, shared, firsts={})
        proc = ctx.Process(
            target=_child, args=(later, params, snapshot, bounds, pending, counts, slot, send)
        )
        proc.start()
        send.close()
        pipes.append(receive)
        procs.append(proc)

    def report(done: int) -> None:
        counts[0] = done
        if progress:
            progress(sum(counts[:]))

    checker = Checker(tree_size, shared)
    problem = ""
    try:
        waiting = _check_range(checker, params, snapshot, *parts[0], pending, report)
    except Broken as broken:
        problem, waiting = str(broken), set()
    except BaseException:  # the database went away, an interrupt: stop the others too
        for proc in procs:
            proc.terminate()
            proc.join()
        raise
    for pipe, proc in zip(pipes, procs, strict=True):
        try:
            result: RangeResult = pipe.recv()
        except EOFError:
            result = RangeResult(0, {}, {}, set(), "a verification worker died")
        proc.join()
        problem = problem or result.problem or _link(checker, result)
        checker.entries += result.entries
        waiting |= result.waiting
    if progress:
        progress(checker.entries)
    if not problem and len(waiting) + tree_size != checker.entries:
        problem = "the leaves and the entries in the tree do not match one to one"
    return Outcome(checker, waiting, problem)


def _link(checker: Checker, later: RangeResult) -> str:
    """Continue every chain of `checker` with a later range; the problem, if any."""
    chains, genesis = checker.chains, (0, GENESIS_HASH, 0)
    for chain, (seq, prev_hash, in_tree, entry_id) in later.firsts.items():
        last_seq, last_hash, waiting = chains.get(chain, genesis)
        if seq != last_seq + 1 or prev_hash != last_hash or (waiting and in_tree):
            return f"entry {entry_id} ({chain}#{seq}) does not follow {chain}#{last_seq}"
    chains.update(later.chains)
    return ""


FOLD_BLOCK = 1 << 18  # leaves per block folded by one process


def fold(leaves: bytearray | mmap.mmap, tree_size: int, workers: int) -> list[Any]:
    """checker.fold_levels in `workers` processes: each folds whole blocks of
    FOLD_BLOCK leaves up to the block's root, into shared arrays, one per level (a
    block's nodes at level k start at its first leaf / 2**k, since FOLD_BLOCK is a
    power of two); this process folds what is above the blocks."""
    top = FOLD_BLOCK.bit_length() - 1
    levels: list[Any] = [leaves]
    for level in range(1, top + 1):
        if tree_size >> level == 0:
            break
        levels.append(mmap.mmap(-1, (tree_size >> level) * H))
    blocks = list(range(0, tree_size, FOLD_BLOCK))
    ctx = mp.get_context("fork")
    procs = [
        ctx.Process(target=_fold_blocks, args=(levels, tree_size, blocks[w::workers]))
        for w in range(min(workers, len(blocks)))
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
    if any(proc.exitcode for proc in procs):
        raise RuntimeError("a process folding the audit tree failed")
    if len(levels) == top + 1 and tree_size >> top >= 2:
        levels += fold_levels(levels[top][: (tree_size >> top) * H])[1:]
    return levels


def _fold_blocks(levels: list[Any], tree_size: int, blocks: list[int]) -> None:
    for first in blocks:
        count = min(FOLD_BLOCK, tree_size - first)
        current = memoryview(levels[0])[first * H : (first + count) * H]
        for level in range(1, len(levels)):
            pairs = len(current) // (2 * H)
            if not pairs:
                break
            upper = b"".join(
                [
                    sha256(b"\x01" + current[i : i + 2 * H]).digest()
                    for i in range(0, pairs * 2 * H, 2 * H)
                ]
            )
            start = (first >> level) * H
            levels[level][start : start + len(upper)] = upper
            current = memoryview(upper)
