"""The RFC 9162 (Certificate Transparency v2) Merkle tree, in plain Python.

Leaf hash = SHA-256(0x00 || leaf bytes), node hash = SHA-256(0x01 || left || right),
the hash of the empty tree is SHA-256 of nothing (RFC 9162, section 2.1.1). Proofs are
made from an oracle that returns the hash of a perfect, aligned subtree (`level`,
`index`): the leaves index*2**level .. (index+1)*2**level - 1, so the same code serves a
tree in memory, in the database or in an export.

Standard library only: the offline verifier imports this without Django.
"""

from collections.abc import Callable, Iterable
from hashlib import sha256

HASH_SIZE = 32
EMPTY_ROOT = sha256(b"").digest()
Subtree = Callable[[int, int], bytes]  # (level, index) -> hash of that perfect subtree


def leaf_hash(data: bytes) -> bytes:
    return sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


class Frontier:
    """The right edge of a growing tree: one hash per set bit of the size, largest
    subtree first. Appending costs one leaf and, on average, one node hash.

    `on_node(level, index, hash)` is told of every perfect subtree that completes at
    `level >= min_level`, so a store can keep them for proofs."""

    __slots__ = ("hashes", "min_level", "on_node", "size")

    def __init__(
        self,
        size: int = 0,
        hashes: list[bytes] | None = None,
        on_node: Callable[[int, int, bytes], None] | None = None,
        min_level: int = 1,
    ) -> None:
        self.size = size
        self.hashes = hashes or []
        self.on_node = on_node
        self.min_level = min_level
        if len(self.hashes) != size.bit_count():
            raise ValueError("a frontier holds one hash per set bit of its size")

    def append(self, leaf: bytes) -> None:
        hashes = self.hashes
        hashes.append(leaf)
        self.size += 1
        n, level = self.size, 0
        while not n & 1:
            right = hashes.pop()
            hashes[-1] = sha256(b"\x01" + hashes[-1] + right).digest()
            n >>= 1
            level += 1
            if self.on_node is not None and level >= self.min_level:
                self.on_node(level, (self.size >> level) - 1, hashes[-1])

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        hashes = self.hashes
        result = hashes[-1]
        for left in reversed(hashes[:-1]):
            result = sha256(b"\x01" + left + result).digest()
        return result


def frontier_subtrees(size: int) -> list[tuple[int, int]]:
    """The perfect subtrees (level, index) whose hashes make the frontier of `size`."""
    out, start = [], 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            out.append((level, start >> level))
            start += 1 << level
    return out


def root_of(leaves: Iterable[bytes]) -> bytes:
    """The Merkle tree hash (MTH) of a list of leaf hashes."""
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    return frontier.root()


def subtree_hash(start: int, end: int, get: Subtree) -> bytes:
    """MTH of the leaves [start, end), for ranges that the RFC's recursion produces."""
    n = end - start
    if n <= 0:
        return EMPTY_ROOT
    if n & (n - 1) == 0 and start % n == 0:
        return get(n.bit_length() - 1, start // n)
    k = _split(n)
    return node_hash(subtree_hash(start, start + k, get), subtree_hash(start + k, end, get))


def inclusion_path(index: int, size: int, get: Subtree) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162, section 2.1.3.1, for leaf `index` of a tree of `size`."""
    if not 0 <= index < size:
        raise ValueError("the leaf index must be smaller than the tree size")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            path.append(subtree_hash(start + k, end, get))
            end = start + k
        else:
            path.append(subtree_hash(start, start + k, get))
            start += k
    path.reverse()
    return path


def consistency_path(first: int, second: int, get: Subtree) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162, section 2.1.4.1 (empty when first is 0 or equal)."""
    if not 0 <= first <= second:
        raise ValueError("the first tree size must not exceed the second")
    if first in {0, second}:
        return []
    path: list[bytes] = []
    m, start, end, whole = first, 0, second, True
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            path.append(subtree_hash(start + k, end, get))
            end = start + k
        else:
            path.append(subtree_hash(start, start + k, get))
            m -= k
            start += k
            whole = False
    if not whole:
        path.append(subtree_hash(start, end, get))
    path.reverse()
    return path


def verify_inclusion(leaf: bytes, index: int, size: int, path: list[bytes], root: bytes) -> bool:
    """RFC 9162, section 2.1.3.2."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, path: list[bytes]
) -> bool:
    """RFC 9162, section 2.1.4.2; an empty first tree is consistent with anything."""
    if not 0 <= first <= second:
        return False
    if first == 0:
        return not path
    if first == second:
        return not path and first_root == second_root
    if first & (first - 1) == 0:
        path = [first_root, *path]
    if not path:
        return False
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root


def memory_subtrees(leaves: list[bytes]) -> Subtree:
    """An oracle over leaf hashes held in memory (tests, the offline verifier)."""

    def get(level: int, index: int) -> bytes:
        width = 1 << level
        return root_of(leaves[index * width : (index + 1) * width])

    return get


def tree_head_message(timestamp_ms: int, tree_size: int, root_hash: bytes) -> bytes:
    """The bytes a tree head signature covers: RFC 9162's TreeHeadDataV2 (uint64
    timestamp in milliseconds, uint64 tree_size, root_hash with a one-byte length,
    an empty two-byte-length extension list)."""
    return (
        timestamp_ms.to_bytes(8, "big")
        + tree_size.to_bytes(8, "big")
        + len(root_hash).to_bytes(1, "big")
        + root_hash
        + b"\x00\x00"
    )
