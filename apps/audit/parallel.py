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

import marshal
import mmap
import multiprocessing as mp
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from hashlib import sha256
from typing import Any

import psycopg
from psycopg import sql

from apps.audit import merkle
from apps.audit.checker import Broken, Buffer, Checker, fold_levels
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
    tree: "Tree"  # the tree over the leaves, partly folded while waiting for the others


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
    # marshal writes a million chains in a sixth of pickle's time, while the parent waits
    out.send_bytes(marshal.dumps(tuple(getattr(result, f.name) for f in fields(result))))


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
    tree = Tree(shared[0], tree_size)
    if not problem:  # use the wait for the others: fold the blocks already complete
        tree.fold_complete(shared[1], until=lambda: all(pipe.poll() for pipe in pipes))
    for pipe, proc in zip(pipes, procs, strict=True):
        try:
            # our own child, over a pipe of its own
            result = RangeResult(*marshal.loads(pipe.recv_bytes()))  # noqa: S302
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
    return Outcome(checker, waiting, problem, tree)


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


class Tree:
    """The levels of the tree over `leaves`, folded in blocks of `block` leaves (a power
    of two) into shared arrays, one per level: a block's nodes at level k start at its
    first leaf / 2**k. The levels above the blocks are folded last, in this process."""

    def __init__(self, leaves: Buffer, tree_size: int, block: int = FOLD_BLOCK):
        self.size, self.block, self.top = tree_size, block, block.bit_length() - 1
        self.levels: list[Any] = [leaves]
        for level in range(1, self.top + 1):
            if tree_size >> level == 0:
                break
            self.levels.append(mmap.mmap(-1, (tree_size >> level) * H))
        self.todo = list(range(0, tree_size, block))  # first leaf of each block left

    def fold_complete(self, filled: Buffer, until: Callable[[], bool]) -> None:
        """Fold, here, the blocks whose leaves are all in (`filled`), until `until()`."""
        for first in list(self.todo):
            if until():
                return
            if filled.find(b"\x00", first, min(first + self.block, self.size)) < 0:
                _fold_blocks(self.levels, self.size, [first], self.block)
                self.todo.remove(first)

    def fold(self, workers: int) -> list[Any]:
        """Fold the blocks left in `workers` processes, then the top; every level."""
        ctx = mp.get_context("fork")
        procs = [
            ctx.Process(
                target=_fold_blocks,
                args=(self.levels, self.size, self.todo[w::workers], self.block),
            )
            for w in range(min(workers, len(self.todo)))
        ]
        for proc in procs:
            proc.start()
        for proc in procs:
            proc.join()
        if any(proc.exitcode for proc in procs):
            raise RuntimeError("a process folding the audit tree failed")
        self.todo = []
        levels, top = self.levels, self.top
        if len(levels) == top + 1 and self.size >> top >= 2:
            levels += fold_levels(levels[top][: (self.size >> top) * H])[1:]
        return levels


def _fold_blocks(levels: list[Any], tree_size: int, blocks: list[int], block: int) -> None:
    for first in blocks:
        count = min(block, tree_size - first)
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
