"""The checks `audit verify` and the offline verifier share: chains, leaves, tree and
signed heads. Standard library only (the offline verifier runs without Django).

Entries may arrive in id order (the database) or in leaf order (an export): both keep
every chain in `seq` order, which is all the chain check needs. Leaf hashes go into one
byte array by leaf index; the tree is then folded level by level, and each signed head
is compared with the root of its size.
"""

import mmap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import InitVar, dataclass, field
from hashlib import sha256

from apps.audit import merkle
from apps.audit.hashing import GENESIS_HASH

H = merkle.HASH_SIZE
# One level of the tree, its hashes back to back (mmap when folded by several processes).
Levels = bytes | mmap.mmap
Buffer = bytearray | mmap.mmap


class Broken(Exception):
    """The first problem found; `entry_id`/`leaf_index` name it when one entry is to blame."""

    def __init__(self, message: str, entry_id: int | None = None, leaf_index: int | None = None):
        super().__init__(message)
        self.entry_id = entry_id
        self.leaf_index = leaf_index


@dataclass(frozen=True)
class Head:
    """A signed tree head as stored or exported."""

    id: int
    tree_size: int
    root_hash: bytes
    timestamp_ms: int
    kid: str
    signature: bytes


@dataclass
class Checker:
    """Feed every entry to `entry`, then call `finish`. Raises Broken at the first problem.

    `leaves` and `filled` may be given (shared memory, when several processes each check
    part of the log). With `firsts`, the checker sees a later part of the log: a chain it
    has not met yet is taken as continuing from wherever the earlier part left it, and
    its first entry here is kept in `firsts` for the caller to link up."""

    tree_size: int
    shared: InitVar[tuple[Buffer, Buffer] | None] = None  # leaves, filled
    firsts: dict[str, tuple[int, str, bool, int]] | None = None
    # chain -> (last seq, last hash, id of the last entry if it is not in the tree, else 0)
    chains: dict[str, tuple[int, str, int]] = field(default_factory=dict)
    entries: int = 0
    leaves: Buffer = field(init=False)
    filled: Buffer = field(init=False)

    def __post_init__(self, shared: tuple[Buffer, Buffer] | None) -> None:
        if shared is None:
            shared = (bytearray(self.tree_size * H), bytearray(self.tree_size))
        self.leaves, self.filled = shared

    def first_of(
        self, chain: str, seq: int, prev_hash: str, in_tree: bool, entry_id: int
    ) -> tuple[int, str, int]:
        """Where a chain not met before stands: at its genesis, or (a later part of the
        log) just before this entry, which is remembered in `firsts`."""
        if self.firsts is None:
            return (0, GENESIS_HASH, 0)
        self.firsts[chain] = (seq, prev_hash, in_tree, entry_id)
        return (seq - 1, prev_hash, 0)

    def entry(  # noqa: PLR0917 - the hot loop of verification; positional for speed
        self,
        entry_id: int,
        data: bytes,
        chain: str,
        seq: int,
        prev_hash: str,
        stored_hash: str | None,
        leaf_index: int | None,
        stored_leaf: bytes | None,
    ) -> None:
        digest = sha256(data).hexdigest()
        if stored_hash is not None and digest != stored_hash:
            raise Broken(
                f"{_name(entry_id, chain, seq)} was changed: its content no longer matches "
                "its hash",
                entry_id,
            )
        leaf = None
        if leaf_index is not None:
            leaf = sha256(b"\x00" + data).digest()
            if stored_leaf is not None and leaf != stored_leaf:
                raise Broken(
                    f"{_name(entry_id, chain, seq)} was changed: it no longer matches its "
                    f"leaf {leaf_index}",
                    entry_id,
                    leaf_index,
                )
        last = self.chains.get(chain)
        if last is None:
            last = self.first_of(chain, seq, prev_hash, leaf_index is not None, entry_id)
        if seq != last[0] + 1 or prev_hash != last[1] or (last[2] and leaf is not None):
            self._broken_link(entry_id, chain, seq, prev_hash, leaf_index, last)
        self.chains[chain] = (seq, digest, 0 if leaf is not None else entry_id)
        if leaf is not None and leaf_index is not None:
            if leaf_index >= self.tree_size or self.filled[leaf_index]:
                raise Broken(
                    f"{_name(entry_id, chain, seq)} claims leaf {leaf_index}: inserted",
                    entry_id,
                    leaf_index,
                )
            start = leaf_index * H
            self.leaves[start : start + H] = leaf
            self.filled[leaf_index] = 1
        self.entries += 1

    @staticmethod
    def _broken_link(  # noqa: PLR0917 - called with the hot loop's locals
        entry_id: int,
        chain: str,
        seq: int,
        prev_hash: str,
        leaf_index: int | None,
        last: tuple[int, str, int],
    ) -> None:
        name = _name(entry_id, chain, seq)
        last_seq, last_hash, waiting = last
        if seq <= last_seq:
            raise Broken(f"{name} was inserted: its chain already has #{seq}", entry_id, leaf_index)
        if seq != last_seq + 1:
            raise Broken(
                f"{chain}#{last_seq + 1} was removed: the chain jumps to {name}",
                entry_id,
                leaf_index,
            )
        if prev_hash != last_hash:
            raise Broken(
                f"{name} does not follow {chain}#{last_seq}: an entry before it was "
                "changed, removed or inserted",
                entry_id,
                leaf_index,
            )
        raise Broken(
            f"entry {waiting} ({chain}#{last_seq}) was inserted: it is not in the tree "
            f"but {name}, after it in its chain, is",
            waiting,
        )

    def first_empty_leaf(self) -> int | None:
        index = self.filled.find(b"\x00")
        return None if index < 0 else index

    def check_heads(
        self, heads: Iterable[Head], signature_ok: Callable[[Head], bool]
    ) -> tuple[int, bytes]:
        """Fold the tree and check every head; returns the tree size and root."""
        return check_heads(self.leaves, self.tree_size, heads, signature_ok)


def check_heads(
    leaves: bytes | Buffer,
    tree_size: int,
    heads: Iterable[Head],
    signature_ok: Callable[[Head], bool],
) -> tuple[int, bytes]:
    """Fold the tree of `leaves` (32 bytes each) and check every head against it;
    returns the tree size and root."""
    return check_heads_against(fold_levels(leaves), tree_size, heads, signature_ok)


def check_heads_against(
    levels: Sequence[Levels],
    tree_size: int,
    heads: Iterable[Head],
    signature_ok: Callable[[Head], bool],
) -> tuple[int, bytes]:
    """check_heads, given the tree's levels (fold_levels)."""
    good = 0
    last_time = -1
    for head in sorted(heads, key=lambda h: (h.tree_size, h.timestamp_ms, h.id)):
        where = f"tree head {head.id} (size {head.tree_size:,})"
        if not signature_ok(head):
            raise Broken(f"{where} is forged: its signature does not verify ({head.kid})")
        if head.tree_size > tree_size:
            raise Broken(f"{where} covers leaves that are not in the log: they were removed")
        if head.timestamp_ms < last_time:
            raise Broken(f"{where} is older than a smaller head: heads were reordered")
        if root_from_levels(levels, head.tree_size) != head.root_hash:
            raise Broken(
                f"{where} does not match the log: a leaf between {good:,} and "
                f"{head.tree_size - 1:,} was changed, removed or inserted"
            )
        good, last_time = head.tree_size, head.timestamp_ms
    return tree_size, root_from_levels(levels, tree_size)


def _name(entry_id: int, chain: str, seq: int) -> str:
    return f"entry {entry_id} ({chain}#{seq})"


def fold_levels(leaves: bytes | Buffer) -> list[bytes]:
    """Every level of the tree's perfect subtrees: levels[k] holds, back to back, the
    hashes of the complete subtrees of 2**k leaves, left to right."""
    levels = [bytes(leaves)]
    current = memoryview(levels[0])
    while len(current) >= 2 * H:
        pairs = len(current) // (2 * H)
        upper = b"".join(
            [
                sha256(b"\x01" + current[i : i + 2 * H]).digest()
                for i in range(0, pairs * 2 * H, 2 * H)
            ]
        )
        levels.append(upper)
        current = memoryview(upper)
    return levels


def root_from_levels(levels: Sequence[Levels], size: int) -> bytes:
    def get(level: int, index: int) -> bytes:
        return levels[level][index * H : index * H + H]

    return merkle.subtree_hash(0, size, get) if size else merkle.EMPTY_ROOT
