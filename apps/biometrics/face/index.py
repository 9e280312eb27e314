"""Face search: an approximate nearest-neighbour index of 128-d embeddings on disk.

Small galleries are searched exactly (faiss ``IndexIDMap2`` over ``IndexFlatL2``). From
``IVF_FROM`` vectors on, the index becomes an inverted file with 8-bit scalar quantised
residuals (faiss ``IndexIVFScalarQuantizer``, SQ8): 128 bytes a face instead of 512, and
a probe only visits the ``nprobe`` lists nearest to it. Both kinds store the ids next to
the codes and really delete on ``remove``: the removed codes are not in memory any more
and, after ``save()``, not in the file either (the file is rewritten and replaced).
HNSW was ruled out for that reason: faiss cannot remove from it.

One process writes a given directory at a time (the app's worker); searches may run in
several threads. ``ShardedFaceIndex`` spreads the ids over several indexes (by a hash of
the id), which may live in other processes behind the same interface.
"""

import itertools
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from apps.biometrics.face.store import (
    DIM,
    IVF_FROM,
    TRAIN_PER_LIST,
    FaceIndex,
    FaceIndexError,
    Hit,
    Ids,
    Vectors,
    as_ids,
    as_vectors,
    nlist_for,
    open_face_index,
    trained_ivf,
)

__all__ = [
    "FaceIndex",
    "FaceIndexError",
    "FaceSearcher",
    "ShardedFaceIndex",
    "open_face_index",
    "open_sharded_face_index",
    "rebuild_face_index",
    "rebuild_face_index_from_batches",
]

CHUNK = 10_000


class FaceSearcher(Protocol):
    """What the app needs from a face index, local or sharded."""

    def add(self, ids: Any, vectors: Any) -> None: ...
    def remove(self, ids: Any) -> int: ...
    def search(self, vector: Any, k: int = 10) -> list[Hit]: ...
    def save(self) -> None: ...
    def __len__(self) -> int: ...


def rebuild_face_index(
    directory: Path,
    items: Iterable[tuple[int, Any]],
    total: int,
    progress: Callable[[int, int], None] | None = None,
) -> FaceIndex:
    """Build a new index from (id, vector) pairs and put it in place of ``directory``'s.

    The new index is written beside the old one and swapped in at the end, so searches
    keep working on the old one meanwhile and a failed rebuild leaves it untouched.
    ``progress(done, total)`` is called at the start and after every CHUNK vectors.
    Raises FaceIndexError for a bad vector or an id given twice.
    """
    return rebuild_face_index_from_batches(directory, _batches(iter(items)), total, progress)


def rebuild_face_index_from_batches(
    directory: Path,
    batches: Iterable[tuple[Any, Any]],
    total: int,
    progress: Callable[[int, int], None] | None = None,
) -> FaceIndex:
    """rebuild_face_index from (ids array, vectors array) batches: no Python object per
    face, for rebuilds of millions."""
    directory = Path(directory)
    building = directory.with_name(directory.name + ".rebuilding")
    shutil.rmtree(building, ignore_errors=True)
    report = progress or (lambda done, of: None)
    report(0, total)
    pending = _Rebatch(iter(batches))
    # Train on the first vectors (as many as training uses), then stream the rest.
    big = total >= IVF_FROM
    ids, vectors = pending.take(TRAIN_PER_LIST * nlist_for(total) if big else CHUNK)
    if big and len(ids) >= min(IVF_FROM, total):
        index = FaceIndex(building, trained_ivf(vectors, nlist_for(total), total))
    else:
        index = FaceIndex(building)
    done = 0
    while len(ids):
        for start in range(0, len(ids), CHUNK):
            part = slice(start, start + CHUNK)
            if index.kind == "exact":
                if any(face_id in index for face_id in ids[part]):
                    raise FaceIndexError("The same face id was given twice.")
                index.add(ids[part], vectors[part])  # may become IVF past IVF_FROM
            else:
                index.bulk_load(ids[part], vectors[part])
            done += len(ids[part])
            report(done, max(total, done))
        ids, vectors = pending.take(CHUNK)
    index.finish_bulk_load()
    index.save()
    old = directory.with_name(directory.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if directory.exists():
        directory.rename(old)
    building.rename(directory)
    shutil.rmtree(old, ignore_errors=True)
    index.directory = directory
    return index


def _batches(iterator: Iterator[tuple[int, Any]]) -> Iterator[tuple[Ids, Vectors]]:
    while True:
        ids: list[int] = []
        vectors: list[Any] = []
        for face_id, vector in itertools.islice(iterator, CHUNK):
            ids.append(int(face_id))
            vectors.append(np.asarray(vector, dtype=np.float32).reshape(-1))
        if not ids:
            return
        yield as_ids(ids), as_vectors(np.stack(vectors))


class _Rebatch:
    """Re-cut a stream of (ids, vectors) batches into batches of a requested size."""

    def __init__(self, batches: Iterator[tuple[Any, Any]]) -> None:
        self.batches = batches
        self.ids: list[Ids] = []
        self.vectors: list[Vectors] = []
        self.held = 0

    def take(self, count: int) -> tuple[Ids, Vectors]:
        while self.held < count:
            batch = next(self.batches, None)
            if batch is None:
                break
            ids, vectors = as_ids(batch[0]), as_vectors(batch[1])
            if len(ids) != len(vectors):
                raise FaceIndexError("As many ids as vectors are needed.")
            self.ids.append(ids)
            self.vectors.append(vectors)
            self.held += len(ids)
        if not self.held:
            return np.empty(0, np.int64), np.empty((0, DIM), np.float32)
        ids, vectors = np.concatenate(self.ids), np.concatenate(self.vectors)
        self.ids, self.vectors = [ids[count:]], [vectors[count:]]
        self.held = len(ids) - min(count, len(ids))
        return ids[:count], vectors[:count]


class ShardedFaceIndex:
    """Several face indexes behind one interface: each id lives in one shard (shard_of);
    a search asks every shard (in parallel threads: faiss releases the GIL) and merges.
    The shards may be any objects with the FaceSearcher interface, e.g. proxies to
    worker processes."""

    def __init__(self, shards: Sequence[FaceSearcher]) -> None:
        if not shards:
            raise FaceIndexError("A sharded index needs at least one shard.")
        self.shards = list(shards)
        self._pool = ThreadPoolExecutor(max_workers=len(self.shards))

    def __len__(self) -> int:
        return sum(len(shard) for shard in self.shards)

    def shard_of(self, ids: Ids) -> np.ndarray[Any, np.dtype[np.uint64]]:
        """Shard number of each id: a multiplicative hash, so that ids with a common
        stride (all even, all multiples of the shard count) still spread evenly."""
        mixed = ids.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)  # wraps mod 2**64
        return (mixed >> np.uint64(32)) % np.uint64(len(self.shards))

    def _split(self, ids: Ids) -> list[np.ndarray[Any, np.dtype[np.bool_]]]:
        shard = self.shard_of(ids)
        return [shard == number for number in range(len(self.shards))]

    def add(self, ids: Any, vectors: Any) -> None:
        new_ids, new_vectors = as_ids(ids), as_vectors(vectors)
        if len(new_ids) != len(new_vectors):
            raise FaceIndexError("As many ids as vectors are needed.")
        for shard, mask in zip(self.shards, self._split(new_ids), strict=True):
            if mask.any():
                shard.add(new_ids[mask], new_vectors[mask])

    def remove(self, ids: Any) -> int:
        gone = as_ids(ids)
        return sum(
            shard.remove(gone[mask])
            for shard, mask in zip(self.shards, self._split(gone), strict=True)
            if mask.any()
        )

    def search(self, vector: Any, k: int = 10) -> list[Hit]:
        probe = as_vectors(vector)
        hits = self._pool.map(lambda shard: shard.search(probe, k), self.shards)
        return sorted((hit for part in hits for hit in part), key=lambda hit: hit[1])[:k]

    def save(self) -> None:
        for shard in self.shards:
            shard.save()


def open_sharded_face_index(directory: Path, shards: int) -> ShardedFaceIndex:
    """``shards`` local indexes in ``directory``/shard-NN."""
    if shards < 1:
        raise FaceIndexError("A sharded index needs at least one shard.")
    return ShardedFaceIndex(
        [open_face_index(Path(directory) / f"shard-{n:02d}") for n in range(shards)]
    )
