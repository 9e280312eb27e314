"""The face index's files: additions are appended to a journal instead of rewriting the
base; a removal rewrites the base and deletes the journal, so the removed face is in no
file; a crash at any point of either leaves an index that opens with what was saved."""

import os
from pathlib import Path

import faiss
import numpy as np
import pytest

from apps.biometrics.face import journal, store, synthetic
from apps.biometrics.face.index import open_face_index


def people(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    faces = synthetic.model()
    rng = np.random.default_rng(seed)
    ids = np.arange(5000 + 1000 * seed, 5000 + 1000 * seed + count, dtype=np.int64)
    return ids, faces.captures(rng, faces.people(rng, count))


def every_file(directory: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(directory.iterdir()) if path.is_file())


def base_stamp(directory: Path) -> tuple[int, int]:
    stat = (directory / store.INDEX_FILE).stat()
    return stat.st_ino, stat.st_mtime_ns


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, np.ndarray, np.ndarray]:
    """An index of 200 faces saved as a base, then 30 more saved (in the journal)."""
    directory = tmp_path / "faces"
    ids, vectors = people(230, seed=1)
    index = open_face_index(directory)
    index.add(ids[:200], vectors[:200])
    index.save()
    stamp = base_stamp(directory)
    for k in range(200, 230):  # one enrolment at a time, as the worker does
        index.add(ids[k : k + 1], vectors[k : k + 1])
        index.save()
    assert base_stamp(directory) == stamp, "additions must not rewrite the base"
    return directory, ids, vectors


def test_additions_go_to_the_journal_and_come_back_on_open(
    saved: tuple[Path, np.ndarray, np.ndarray],
) -> None:
    directory, ids, vectors = saved
    size = (directory / journal.JOURNAL_FILE).stat().st_size
    assert size == 30 * journal.record_size(store.DIM)
    reopened = open_face_index(directory)
    assert len(reopened) == 230
    assert sorted(reopened.ids().tolist()) == sorted(ids.tolist())
    assert reopened.search(vectors[215], 1)[0][0] == ids[215]


def test_removing_a_journaled_face_leaves_it_in_no_file(
    saved: tuple[Path, np.ndarray, np.ndarray],
) -> None:
    directory, ids, vectors = saved
    leaving = vectors[220].tobytes()
    assert leaving in every_file(directory)  # so the check below can fail
    index = open_face_index(directory)
    assert index.remove([ids[220]]) == 1
    index.save()
    assert not (directory / journal.JOURNAL_FILE).exists()
    assert leaving not in every_file(directory)
    reopened = open_face_index(directory)
    assert len(reopened) == 229
    assert ids[220] not in reopened
    assert ids[221] in reopened
    assert ids[10] in reopened


def test_a_rewrite_stopped_after_the_new_base_was_complete_is_finished_on_open(
    saved: tuple[Path, np.ndarray, np.ndarray],
) -> None:
    """A crash between steps 2 and 4: the complete new base (without a removed face)
    and the old journal (with it) are both on disk."""
    directory, ids, vectors = saved
    index = open_face_index(directory)
    index.remove([ids[220]])
    base = directory / store.INDEX_FILE
    faiss.write_index(index._index, str(base.with_name(base.name + ".next")))
    assert (directory / journal.JOURNAL_FILE).exists()

    reopened = open_face_index(directory)
    assert ids[220] not in reopened
    assert len(reopened) == 229
    assert not (directory / journal.JOURNAL_FILE).exists()
    assert vectors[220].tobytes() not in every_file(directory)


def test_a_rewrite_stopped_while_writing_is_undone_on_open(
    saved: tuple[Path, np.ndarray, np.ndarray],
) -> None:
    directory = saved[0]
    base = directory / store.INDEX_FILE
    base.with_name(base.name + ".tmp").write_bytes(b"half an index")
    reopened = open_face_index(directory)
    assert len(reopened) == 230
    assert not base.with_name(base.name + ".tmp").exists()


def test_a_record_cut_short_by_a_crash_is_dropped(
    saved: tuple[Path, np.ndarray, np.ndarray],
) -> None:
    directory = saved[0]
    with open(directory / journal.JOURNAL_FILE, "ab") as handle:
        handle.write(os.urandom(100))  # an append that stopped part way
    index = open_face_index(directory)
    assert len(index) == 230
    more_ids, more = people(2, seed=7)
    index.add(more_ids, more)
    index.save()
    size = (directory / journal.JOURNAL_FILE).stat().st_size
    assert size == 32 * journal.record_size(store.DIM)
    reopened = open_face_index(directory)
    assert len(reopened) == 232
    assert reopened.search(more[1], 1)[0][0] == more_ids[1]


def test_a_full_journal_is_folded_into_the_base(
    saved: tuple[Path, np.ndarray, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = saved[0]
    monkeypatch.setattr(store, "JOURNAL_MIN", 31)
    index = open_face_index(directory)
    more_ids, more = people(2, seed=8)
    index.add(more_ids[:1], more[:1])
    index.save()  # 31 in the journal: still room
    assert (directory / journal.JOURNAL_FILE).exists()
    stamp = base_stamp(directory)
    index.add(more_ids[1:], more[1:])
    index.save()  # 32: the base is rewritten with all of them
    assert not (directory / journal.JOURNAL_FILE).exists()
    assert base_stamp(directory) != stamp
    assert len(open_face_index(directory)) == 232
