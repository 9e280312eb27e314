"""The face index: search, real removal (from memory and from the saved file), ids that
survive save and load, incremental growth into IVF, rebuild with progress, sharding."""

from pathlib import Path

import faiss
import numpy as np
import pytest

from apps.biometrics.face import index as face_index
from apps.biometrics.face import store, synthetic
from apps.biometrics.face.index import (
    FaceIndexError,
    ShardedFaceIndex,
    open_face_index,
    open_sharded_face_index,
    rebuild_face_index,
)


def people(count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ids, enrolment captures and a second capture of each (the probe)."""
    faces = synthetic.model()
    rng = np.random.default_rng(seed)
    centres = faces.people(rng, count)
    ids = np.arange(1000, 1000 + count, dtype=np.int64) * 3  # not 0..n-1 on purpose
    return ids, faces.captures(rng, centres), faces.captures(rng, centres)


@pytest.fixture(scope="module")
def large() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return people(store.IVF_FROM + 5000, seed=1)


def saved_bytes(directory: Path) -> bytes:
    return (directory / store.INDEX_FILE).read_bytes()


def test_an_enrolled_face_is_found_by_another_photo(tmp_path: Path) -> None:
    ids, enrolled, probes = people(500)
    index = open_face_index(tmp_path / "faces")
    index.add(ids, enrolled)
    assert len(index) == 500
    assert index.kind == "exact"
    hits = index.search(probes[17], k=3)
    assert hits[0][0] == ids[17]
    assert hits[0][1] < 0.6
    assert [d for _, d in hits] == sorted(d for _, d in hits)
    assert all(isinstance(i, int) and isinstance(d, float) for i, d in hits)


def test_an_empty_index_finds_nothing(tmp_path: Path) -> None:
    index = open_face_index(tmp_path / "faces")
    assert len(index) == 0
    assert index.search(np.zeros(128, np.float32), 5) == []
    assert index.remove([1, 2]) == 0


def test_removal_in_the_exact_index_erases_the_vector_from_the_file(tmp_path: Path) -> None:
    ids, enrolled, _ = people(300)
    index = open_face_index(tmp_path / "faces")
    index.add(ids, enrolled)
    index.save()
    leaving = enrolled[42].tobytes()
    assert leaving in saved_bytes(tmp_path / "faces")  # the check below can fail

    assert index.remove([ids[42]]) == 1
    assert index.remove([ids[42]]) == 0  # idempotent
    index.save()
    assert leaving not in saved_bytes(tmp_path / "faces")
    reopened = open_face_index(tmp_path / "faces")
    assert len(reopened) == 299
    assert ids[42] not in reopened
    assert all(hit != ids[42] for hit, _ in reopened.search(enrolled[42], k=10))
    assert reopened.search(enrolled[43], 1)[0][0] == ids[43]


def test_removal_in_the_ivf_index_erases_the_code_from_the_file(
    tmp_path: Path, large: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    ids, enrolled, _ = large
    index = open_face_index(tmp_path / "faces")
    index.add(ids, enrolled)
    assert index.kind == "ivf-sq8"
    index.save()
    ivf = faiss.extract_index_ivf(index._index)
    # The stored code is the 8-bit quantised residual that follows the list number.
    code = ivf.sa_encode(enrolled[7:8])[0, -ivf.code_size :].tobytes()
    assert code in saved_bytes(tmp_path / "faces")
    assert index.search(enrolled[7], 1)[0][0] == ids[7]

    assert index.remove(ids[7:8]) == 1
    index.save()
    assert code not in saved_bytes(tmp_path / "faces")
    reopened = open_face_index(tmp_path / "faces")
    assert len(reopened) == len(ids) - 1
    assert all(hit != ids[7] for hit, _ in reopened.search(enrolled[7], k=20))


def test_the_index_grows_into_ivf_and_keeps_every_id(
    tmp_path: Path, large: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    ids, enrolled, probes = large
    index = open_face_index(tmp_path / "faces")
    index.add(ids[:1000], enrolled[:1000])
    index.save()
    assert open_face_index(tmp_path / "faces").kind == "exact"
    for start in range(1000, len(ids), 6000):  # enrolments arrive in batches
        index.add(ids[start : start + 6000], enrolled[start : start + 6000])
    assert index.kind == "ivf-sq8"
    index.save()
    reopened = open_face_index(tmp_path / "faces")
    assert reopened.kind == "ivf-sq8"
    assert reopened.nprobe == index.nprobe > 0
    assert np.array_equal(reopened.ids(), np.sort(ids))
    found = [reopened.search(probes[i], 1)[0][0] for i in range(0, len(ids), 250)]
    assert np.mean(np.array(found) == ids[::250]) >= 0.95


def test_adding_an_id_again_replaces_its_vector(tmp_path: Path) -> None:
    ids, enrolled, _probes = people(100)
    index = open_face_index(tmp_path / "faces")
    index.add(ids, enrolled)
    index.add(ids[:1], enrolled[50:51])  # a new photo for the first person
    assert len(index) == 100
    assert index.search(enrolled[50], 2) == [(ids[0], 0.0), (ids[50], 0.0)] or {
        hit for hit, _ in index.search(enrolled[50], 2)
    } == {ids[0], ids[50]}
    assert all(hit != ids[0] for hit, _ in index.search(enrolled[0], 1))


@pytest.mark.parametrize(
    ("ids", "vectors"),
    [
        ([1, 2], np.zeros((3, 128))),
        ([1], np.zeros((1, 64))),
        ([1, 1], np.zeros((2, 128))),
        ([-1], np.zeros((1, 128))),
        (["a"], np.zeros((1, 128))),
        ([1], np.full((1, 128), np.nan)),
        ([[1]], np.zeros((1, 128))),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(
    tmp_path: Path, ids: object, vectors: object
) -> None:
    index = open_face_index(tmp_path / "faces")
    with pytest.raises(FaceIndexError):
        index.add(ids, vectors)
    assert len(index) == 0


def test_a_file_that_is_not_an_index_is_refused(tmp_path: Path) -> None:
    (tmp_path / "faces").mkdir()
    (tmp_path / "faces" / store.INDEX_FILE).write_bytes(b"not an index")
    with pytest.raises(FaceIndexError):
        open_face_index(tmp_path / "faces")


def test_a_rebuild_reports_progress_and_replaces_the_old_index(
    tmp_path: Path, large: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    ids, enrolled, probes = large
    old = open_face_index(tmp_path / "faces")
    old.add([5], np.ones((1, 128), np.float32))
    old.save()
    calls: list[tuple[int, int]] = []
    rebuilt = rebuild_face_index(
        tmp_path / "faces",
        zip(ids.tolist(), enrolled, strict=True),
        len(ids),
        lambda d, t: calls.append((d, t)),
    )
    assert calls[0] == (0, len(ids))
    assert calls[-1] == (len(ids), len(ids))
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert rebuilt.kind == "ivf-sq8"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["faces"]  # nothing left behind
    reopened = open_face_index(tmp_path / "faces")
    assert len(reopened) == len(ids)
    assert 5 not in reopened
    assert reopened.search(probes[3], 1)[0][0] == ids[3]


def test_a_small_rebuild_is_exact_and_an_empty_one_is_empty(tmp_path: Path) -> None:
    ids, enrolled, _ = people(50)
    small = rebuild_face_index(tmp_path / "a", zip(ids, enrolled, strict=True), 50, None)
    assert small.kind == "exact"
    assert len(open_face_index(tmp_path / "a")) == 50
    empty = rebuild_face_index(tmp_path / "b", iter(()), 0, None)
    assert len(empty) == 0
    assert (tmp_path / "b" / store.INDEX_FILE).exists()


def test_a_rebuild_refuses_an_id_given_twice(tmp_path: Path) -> None:
    ids, enrolled, _ = people(20)
    twice = [*zip(ids, enrolled, strict=True), (int(ids[0]), enrolled[1])]
    with pytest.raises(FaceIndexError):
        rebuild_face_index(tmp_path / "faces", twice, 21, None)
    # Also when the two are in different batches.
    batches = [(ids, enrolled), (ids[:1], enrolled[1:2])]
    with pytest.raises(FaceIndexError):
        face_index.rebuild_face_index_from_batches(tmp_path / "faces", batches, 21)
    assert not (tmp_path / "faces").exists()  # nothing swapped in


def test_a_sharded_index_behaves_like_one_index(tmp_path: Path) -> None:
    ids, enrolled, probes = people(900)
    sharded = open_sharded_face_index(tmp_path / "faces", shards=3)
    single = open_face_index(tmp_path / "single")
    sharded.add(ids, enrolled)
    single.add(ids, enrolled)
    assert len(sharded) == 900
    assert all(200 < len(shard) < 400 for shard in sharded.shards)  # ids spread evenly
    for i in (0, 1, 2, 500):
        merged, alone = sharded.search(probes[i], 5), single.search(probes[i], 5)
        assert [hit for hit, _ in merged] == [hit for hit, _ in alone]
        assert [d for _, d in merged] == pytest.approx([d for _, d in alone])
    assert sharded.remove(ids[:10]) == 10
    sharded.save()
    again = open_sharded_face_index(tmp_path / "faces", shards=3)
    assert len(again) == 890
    assert all(hit not in set(ids[:10].tolist()) for hit, _ in again.search(enrolled[0], 5))


def test_shards_can_be_any_face_searcher(tmp_path: Path) -> None:
    ids, enrolled, _ = people(40)
    shards: list[face_index.FaceSearcher] = [open_face_index(tmp_path / str(n)) for n in range(2)]
    sharded = ShardedFaceIndex(shards)
    sharded.add(ids, enrolled)
    assert sum(len(s) for s in shards) == 40
    assert all(len(s) for s in shards)
    with pytest.raises(FaceIndexError):
        ShardedFaceIndex([])


def test_a_rebuild_of_millions_assigns_lists_in_two_levels(
    tmp_path: Path,
    large: tuple[np.ndarray, np.ndarray, np.ndarray],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Galleries of millions (2048 lists and more) find each face's list through a small
    # IVF over the centroids; make this gallery take that path too.
    monkeypatch.setattr(store, "TWO_LEVEL_FROM", 64)
    ids, enrolled, probes = large
    batches = [(ids[:12_000], enrolled[:12_000]), (ids[12_000:], enrolled[12_000:])]
    rebuilt = face_index.rebuild_face_index_from_batches(tmp_path / "faces", batches, len(ids))
    assert rebuilt._assigner is not None
    found = [rebuilt.search(probes[i], 1)[0][0] for i in range(0, len(ids), 100)]
    assert np.mean(np.array(found) == ids[::100]) >= 0.95
    assert rebuilt.remove(ids[:3]) == 3
    rebuilt.save()
    reopened = open_face_index(tmp_path / "faces")
    assert len(reopened) == len(ids) - 3
    assert np.array_equal(reopened.ids(), np.sort(ids[3:]))


def test_a_rebuild_stopped_between_its_renames_is_recovered(tmp_path: Path) -> None:
    ids, enrolled, _ = people(30)
    index = open_face_index(tmp_path / "faces")
    index.add(ids, enrolled)
    index.save()
    (tmp_path / "faces").rename(tmp_path / "faces.old")  # the old one moved aside, then a crash
    recovered = open_face_index(tmp_path / "faces")
    assert len(recovered) == 30
    assert (tmp_path / "faces").exists()


def test_nprobe_keeps_the_scan_within_budget() -> None:
    assert store.nprobe_for(4096, 1_000_000) == 128
    assert store.nprobe_for(4096, 10_000_000) == 32
    assert store.nprobe_for(64, 20_000) == 8
    assert store.nlist_for(1_000_000) == 4096
    assert store.nlist_for(20_000) == 512
