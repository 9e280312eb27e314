"""Our RFC 9162 tree against an independent implementation (pymerkle's InmemoryTree
with its RFC 9162 hashing) on the same leaves, and proofs as properties."""

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymerkle import InmemoryTree, verify_consistency

from apps.audit import merkle


def _pair(count: int) -> tuple[InmemoryTree, list[bytes]]:
    theirs = InmemoryTree(algorithm="sha256")
    ours: list[bytes] = []
    for i in range(count):
        data = os.urandom(i % 40) + i.to_bytes(4, "big")
        theirs.append_entry(data)
        ours.append(merkle.leaf_hash(data))
    return theirs, ours


def test_roots_and_inclusion_paths_agree_with_pymerkle() -> None:
    theirs, leaves = _pair(70)
    get = merkle.memory_subtrees(leaves)
    assert merkle.root_of([]) == merkle.EMPTY_ROOT
    for size in range(1, 71):
        assert merkle.subtree_hash(0, size, get) == theirs.get_root(size)
        for index in range(size):
            ours = merkle.inclusion_path(index, size, get)
            proof = theirs.prove_inclusion(index + 1, size)  # pymerkle counts from 1
            assert [bytes.fromhex(h) for h in proof.serialize()["path"][1:]] == ours
            assert merkle.verify_inclusion(leaves[index], index, size, ours, theirs.get_root(size))


def test_consistency_proofs_verify_against_pymerkle_roots() -> None:
    theirs, leaves = _pair(40)
    get = merkle.memory_subtrees(leaves)
    for second in range(1, 41):
        for first in range(1, second + 1):
            ours = merkle.consistency_path(first, second, get)
            # their proof checks out against our roots, ours against theirs
            our_first, our_second = merkle.root_of(leaves[:first]), merkle.root_of(leaves[:second])
            verify_consistency(our_first, our_second, theirs.prove_consistency(first, second))
            assert merkle.verify_consistency(
                first, second, theirs.get_root(first), theirs.get_root(second), ours
            )


def test_a_frontier_keeps_the_same_root_as_a_full_fold() -> None:
    theirs, leaves = _pair(300)
    stored: dict[tuple[int, int], bytes] = {}
    frontier = merkle.Frontier(on_node=lambda lv, ix, h: stored.__setitem__((lv, ix), h))
    for leaf in leaves:
        frontier.append(leaf)
    assert frontier.root() == theirs.get_root()
    get = merkle.memory_subtrees(leaves)
    assert all(get(level, index) == digest for (level, index), digest in stored.items())
    resumed = merkle.Frontier(200, [get(*key) for key in merkle.frontier_subtrees(200)])
    for leaf in leaves[200:]:
        resumed.append(leaf)
    assert resumed.root() == theirs.get_root()


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 300), st.data())
def test_proofs_hold_and_forgeries_fail(size: int, data: st.DataObject) -> None:
    leaves = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(size)]
    get = merkle.memory_subtrees(leaves)
    root = merkle.root_of(leaves)
    index = data.draw(st.integers(0, size - 1))
    path = merkle.inclusion_path(index, size, get)
    assert merkle.verify_inclusion(leaves[index], index, size, path, root)
    assert not merkle.verify_inclusion(merkle.leaf_hash(b"forged"), index, size, path, root)
    if size > 1:
        assert not merkle.verify_inclusion(leaves[index], (index + 1) % size, size, path, root)
    first = data.draw(st.integers(1, size))
    proof = merkle.consistency_path(first, size, get)
    first_root = merkle.root_of(leaves[:first])
    assert merkle.verify_consistency(first, size, first_root, root, proof)
    if first < size:
        assert not merkle.verify_consistency(first, size, merkle.leaf_hash(b"x"), root, proof)


def test_the_signed_message_is_rfc9162_tree_head_data() -> None:
    message = merkle.tree_head_message(1_700_000_000_000, 5, b"\xab" * 32)
    assert message == (
        (1_700_000_000_000).to_bytes(8, "big")
        + (5).to_bytes(8, "big")
        + b"\x20"
        + b"\xab" * 32
        + b"\x00\x00"
    )


@pytest.mark.parametrize("size", [0, 1, 2, 3, 5, 1 << 18, (1 << 18) + 1, (1 << 19) + 12_345])
def test_folding_in_several_processes_gives_every_level_as_one_process_does(size: int) -> None:
    import mmap
    import os

    from apps.audit import parallel
    from apps.audit.checker import fold_levels, root_from_levels

    data = os.urandom(32 * size)
    shared = mmap.mmap(-1, max(1, 32 * size))
    shared[: 32 * size] = data
    alone, together = fold_levels(data), parallel.Tree(shared, size).fold(2)
    assert len(together) == len(alone)
    for level, expected in zip(together, alone, strict=True):
        assert bytes(level[: len(expected)]) == expected
    assert root_from_levels(together, size) == root_from_levels(alone, size)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 70), st.integers(0, 10), st.sets(st.integers(0, 69)))
def test_blocks_folded_while_waiting_give_the_same_tree(
    size: int, polls_before_done: int, missing: set[int]
) -> None:
    """verify folds, while it waits for the other processes, the blocks whose leaves are
    all in; a block with a leaf still missing, or not reached, is folded at the end."""
    import mmap
    import os

    from apps.audit import parallel
    from apps.audit.checker import fold_levels

    data = os.urandom(32 * size)
    leaves, filled = mmap.mmap(-1, 32 * size), bytearray(b"\x01" * size)
    leaves[:] = data
    for index in missing & set(range(size)):
        filled[index] = 0
    tree = parallel.Tree(leaves, size, block=8)
    polls = iter([False] * polls_before_done + [True] * 20)
    tree.fold_complete(filled, until=lambda: next(polls))
    folded = set(range(0, size, 8)) - set(tree.todo)
    assert all(filled.find(b"\x00", first, first + 8) < 0 for first in folded)
    assert len(folded) <= polls_before_done
    together, alone = tree.fold(2), fold_levels(data)
    assert len(together) == len(alone)
    for level, expected in zip(together, alone, strict=True):
        assert bytes(level[: len(expected)]) == expected
