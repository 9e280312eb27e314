"""One face index in one directory: exact (faiss IndexIDMap2 over IndexFlatL2) while
small, inverted file with 8-bit scalar quantised residuals (IVF-SQ8) from IVF_FROM faces
on. The public entry points are in index.py; this module holds the storage mechanics,
journal.py how the files are written (a base and a journal of additions).
"""

import json
import math
import os
import threading
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from apps.biometrics.durable import fsync_directory
from apps.biometrics.face import journal

DIM = 128
INDEX_FILE = "faces.faiss"
META_FILE = "meta.json"
FORMAT = 1
IVF_FROM = 20_000  # below, exact search is fast enough (< 2 ms) and needs no training
MAX_NLIST = 4096
SCAN_BUDGET = 80_000  # faces compared per probe: about 5 ms on one core
TWO_LEVEL_FROM = 2048  # lists; see CoarseAssigner
TRAIN_PER_LIST = 40  # faiss wants at least 39 training points per list
KMEANS_ITERATIONS = 10
# Additions go to the journal until it holds this share of the index (or JOURNAL_MIN
# faces); then the base is rewritten: at a million faces, one 138 MB write per 20,000
# enrolments instead of one per enrolment.
JOURNAL_SHARE = 50
JOURNAL_MIN = 1000

Vectors = np.ndarray[Any, np.dtype[np.float32]]
Ids = np.ndarray[Any, np.dtype[np.int64]]
Hit = tuple[int, float]


class FaceIndexError(ValueError):
    """Bad input to the index (shape, dtype, ids) or an index directory that is not one."""


def nlist_for(count: int) -> int:
    """Number of inverted lists for ``count`` vectors: a power of two near 4 sqrt(n)."""
    return int(min(MAX_NLIST, max(64, 2 ** round(math.log2(4 * math.sqrt(max(count, 1)))))))


def nprobe_for(nlist: int, count: int) -> int:
    """Lists visited per probe: 1/32 of them, but no more than SCAN_BUDGET faces in
    all; the mated recall / speed trade-off measured in bench/dedup_face.py
    (docs/benchmarks.md, "Face de-duplication")."""
    affordable = SCAN_BUDGET * nlist / max(count, 1)
    return int(max(8, min(nlist // 32, 2 ** math.floor(math.log2(max(affordable, 1))))))


def as_vectors(vectors: Any) -> Vectors:
    array = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32))
    if array.ndim == 1:
        array = array.reshape(1, -1)
    if array.ndim != 2 or array.shape[1] != DIM:
        raise FaceIndexError(f"Face vectors must have shape (n, {DIM}), not {array.shape}.")
    if not np.isfinite(array).all():
        raise FaceIndexError("Face vectors must be finite numbers.")
    return array


def as_ids(ids: Any) -> Ids:
    array = np.ascontiguousarray(np.atleast_1d(np.asarray(ids)))
    if array.ndim != 1 or (array.size and not np.issubdtype(array.dtype, np.integer)):
        raise FaceIndexError("Face ids must be a 1-d array of integers.")
    array = array.astype(np.int64)
    if array.size and array.min() < 0:
        raise FaceIndexError("Face ids must not be negative.")
    return array


def exact_index() -> Any:
    return faiss.IndexIDMap2(faiss.IndexFlatL2(DIM))


def trained_ivf(sample: Vectors, nlist: int, expected: int = 0) -> Any:
    """An empty IVF-SQ8 index whose coarse centroids and quantiser ranges are learnt on
    ``sample`` (at most TRAIN_PER_LIST vectors per list are used). The coarse quantiser
    is exact (IndexFlatL2): with at most MAX_NLIST centroids, assigning a face costs about
    a megaflop, done by BLAS in batches; an HNSW quantiser was slower at 4096 lists."""
    limit = TRAIN_PER_LIST * nlist
    if len(sample) > limit:
        rng = np.random.default_rng(len(sample))
        sample = sample[np.sort(rng.choice(len(sample), limit, replace=False))]
    index = faiss.index_factory(DIM, f"IVF{nlist},SQ8", faiss.METRIC_L2)
    ivf = faiss.extract_index_ivf(index)  # a view: ``index`` owns the C++ object
    ivf.cp.niter = KMEANS_ITERATIONS
    index.train(sample)
    set_nprobe(ivf, nprobe_for(nlist, max(expected, len(sample))))
    return index


def set_nprobe(ivf: Any, nprobe: int) -> None:
    ivf.nprobe = max(1, min(int(nprobe), ivf.nlist))
    # With several OpenMP threads, split one probe's lists between them (the default
    # splits a batch of probes, and de-duplication sends one probe at a time).
    ivf.parallel_mode = 1


def stored_ids(index: Any) -> Ids:
    """The ids an index holds, read from the index itself (the single source of truth)."""
    if isinstance(index, faiss.IndexIDMap2):
        return faiss.vector_to_array(index.id_map).astype(np.int64)
    ivf = faiss.extract_index_ivf(index)
    lists: Any = ivf.invlists
    parts = []
    for number in range(ivf.nlist):
        size = lists.list_size(number)
        if size:
            pointer = lists.get_ids(number)
            parts.append(faiss.rev_swig_ptr(pointer, size).copy())
            lists.release_ids(number, pointer)
    return np.concatenate(parts).astype(np.int64) if parts else np.empty(0, np.int64)


class CoarseAssigner:
    """Finds each face's inverted list through a small IVF over the centroids (their
    own sqrt(nlist) clusters, 8 of them visited) instead of comparing it with all of
    them: about 8x fewer flops when loading millions of faces, at the price of
    putting ~1 % of them in their second-nearest list. Searches keep the exact
    quantiser."""

    def __init__(self, ivf: Any) -> None:
        centroids = ivf.quantizer.reconstruct_n(0, ivf.nlist)
        self._top = faiss.IndexFlatL2(DIM)  # the IVF below does not own it: keep it alive
        self._index = faiss.IndexIVFFlat(self._top, DIM, int(math.sqrt(ivf.nlist)))
        self._index.cp.min_points_per_centroid = 1
        self._index.train(centroids)
        self._index.add(centroids)
        self._index.nprobe = 8

    def assign(self, vectors: Vectors) -> Ids:
        _, nearest = self._index.search(vectors, 1)
        return np.ascontiguousarray(nearest[:, 0], dtype=np.int64)


class FaceIndex:
    """An index of face embeddings kept in one directory. See the module docstring."""

    def __init__(self, directory: Path, index: Any | None = None) -> None:
        self.directory = Path(directory)
        self._index = index if index is not None else exact_index()
        self._ids = np.sort(stored_ids(self._index))
        if len(self._ids) != self._index.ntotal or np.any(self._ids[1:] == self._ids[:-1]):
            raise FaceIndexError(f"The face index in {self.directory} has inconsistent ids.")
        self._lock = threading.RLock()
        self._assigner: CoarseAssigner | None = None
        self._unsaved: list[tuple[Ids, Vectors]] = []  # added since the last save()
        self._rewrite = False  # a removal or a new kind of index: the base is rewritten
        self._journaled = 0  # faces in the journal file

    # -- reading -------------------------------------------------------------------
    def __len__(self) -> int:
        return int(self._index.ntotal)

    def __contains__(self, face_id: object) -> bool:
        if not isinstance(face_id, int | np.integer):
            return False
        return bool(self._present(np.array([face_id], np.int64))[0])

    @property
    def kind(self) -> str:
        return "exact" if isinstance(self._index, faiss.IndexIDMap2) else "ivf-sq8"

    @property
    def nprobe(self) -> int:
        return 0 if self.kind == "exact" else int(faiss.extract_index_ivf(self._index).nprobe)

    @nprobe.setter
    def nprobe(self, value: int) -> None:
        if self.kind != "exact":
            set_nprobe(faiss.extract_index_ivf(self._index), value)

    def ids(self) -> Ids:
        return self._ids.copy()

    def search(self, vector: Any, k: int = 10) -> list[Hit]:
        """The ``k`` nearest faces as (id, euclidean distance), nearest first."""
        return self.search_many(vector, k)[0]

    def search_many(self, vectors: Any, k: int = 10) -> list[list[Hit]]:
        probes = as_vectors(vectors)
        if k < 1:
            raise FaceIndexError("k must be at least 1.")
        with self._lock:
            if not len(self):
                return [[] for _ in probes]
            squared, found = self._index.search(probes, min(k, len(self)))
        return [
            [(int(i), _root(d)) for i, d in zip(ids, row, strict=True) if i >= 0]
            for ids, row in zip(found, squared, strict=True)
        ]

    # -- writing -------------------------------------------------------------------
    def add(self, ids: Any, vectors: Any) -> None:
        """Add faces; an id already present has its vector replaced."""
        new_ids, new_vectors = self._checked(ids, vectors)
        if not len(new_ids):
            return
        with self._lock:
            present = new_ids[self._present(new_ids)]
            if len(present):
                self.remove(present)
            if self.kind == "exact" and len(self) + len(new_ids) >= IVF_FROM:
                self._become_ivf(new_vectors)
                self._rewrite = True
            self._index.add_with_ids(new_vectors, new_ids)
            self._unsaved.append((new_ids, new_vectors))
            order = np.sort(new_ids)
            self._ids = np.insert(self._ids, np.searchsorted(self._ids, order), order)

    def remove(self, ids: Any) -> int:
        """Remove faces by id; returns how many were there. Call save() to make the
        removal durable: the saved base is rewritten without them, the journal deleted."""
        gone = np.unique(as_ids(ids))
        with self._lock:
            gone = gone[self._present(gone)]
            if not len(gone):
                return 0
            removed = int(self._index.remove_ids(faiss.IDSelectorBatch(gone)))
            self._ids = np.delete(self._ids, np.searchsorted(self._ids, gone))
            self._rewrite = True
            return removed

    def bulk_load(self, ids: Any, vectors: Any) -> None:
        """Append faces whose ids are new, without the per-call bookkeeping of add();
        finish_bulk_load() must follow. Used by rebuilds of millions of faces."""
        new_ids, new_vectors = self._checked(ids, vectors)
        with self._lock:
            self._rewrite = True
            if self.kind == "exact" or self._nlist() < TWO_LEVEL_FROM:
                self._index.add_with_ids(new_vectors, new_ids)
                return
            if self._assigner is None:
                self._assigner = CoarseAssigner(faiss.extract_index_ivf(self._index))
            lists = self._assigner.assign(new_vectors)
            faiss.extract_index_ivf(self._index).add_core(
                len(new_ids),
                faiss.swig_ptr(new_vectors),
                faiss.swig_ptr(new_ids),
                faiss.swig_ptr(lists),
            )

    def _nlist(self) -> int:
        return int(faiss.extract_index_ivf(self._index).nlist)

    def finish_bulk_load(self) -> None:
        with self._lock:
            ids = np.sort(stored_ids(self._index))
            if np.any(ids[1:] == ids[:-1]):
                raise FaceIndexError("The same face id was given twice.")
            self._ids = ids

    def _present(self, ids: Ids) -> np.ndarray[Any, np.dtype[np.bool_]]:
        positions = np.minimum(np.searchsorted(self._ids, ids), max(len(self._ids) - 1, 0))
        return self._ids[positions] == ids if len(self._ids) else np.zeros(len(ids), bool)

    @staticmethod
    def _checked(ids: Any, vectors: Any) -> tuple[Ids, Vectors]:
        new_ids, new_vectors = as_ids(ids), as_vectors(vectors)
        if len(new_ids) != len(new_vectors):
            raise FaceIndexError("As many ids as vectors are needed.")
        if len(np.unique(new_ids)) != len(new_ids):
            raise FaceIndexError("The same id appears twice in one add().")
        return new_ids, new_vectors

    def save(self) -> None:
        """Make the changes durable: additions alone are appended to the journal; a
        removal (or a full journal, or a new kind of index) rewrites the base and
        deletes the journal (journal.py: atomic against a crash at any point)."""
        with self._lock:
            self.directory.mkdir(parents=True, exist_ok=True)
            base = self.directory / INDEX_FILE
            pending = sum(len(ids) for ids, _ in self._unsaved)
            limit = max(JOURNAL_MIN, len(self) // JOURNAL_SHARE)
            if self._rewrite or not base.exists() or self._journaled + pending > limit:
                meta = {"format": FORMAT, "kind": self.kind, "dim": DIM, "nprobe": self.nprobe}
                _write_atomic(self.directory / META_FILE, json.dumps(meta).encode())
                journal.write_base(base, self._index)
                self._journaled = 0
            elif pending:
                ids = np.concatenate([ids for ids, _ in self._unsaved])
                journal.append(self.directory, ids, np.concatenate([v for _, v in self._unsaved]))
                self._journaled += pending
            self._unsaved.clear()
            self._rewrite = False

    def replay(self, ids: Ids, vectors: Vectors) -> None:
        """Take in the journal's faces, read at open: saved already, so not unsaved."""
        with self._lock:
            if len(ids):
                self.add(ids, vectors)  # may ask for a rewrite, as it would have
            self._unsaved.clear()
            self._journaled = len(ids)

    def _become_ivf(self, incoming: Vectors) -> None:  # the lock is held
        """Turn the exact index into IVF-SQ8 trained on what it holds plus ``incoming``."""
        stored = self._index.index.reconstruct_n(0, len(self)) if len(self) else incoming[:0]
        sample = np.concatenate([stored, incoming])
        ivf = trained_ivf(sample, nlist_for(len(sample)))
        if len(self):
            ivf.add_with_ids(stored, self._ids_in_index_order())
        self._index = ivf

    def _ids_in_index_order(self) -> Ids:
        return faiss.vector_to_array(self._index.id_map).astype(np.int64)


def _root(squared: float) -> float:
    return math.sqrt(max(float(squared), 0.0))


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file, fsync it and rename it over ``path``: a
    reader sees the old file or the new one, never half of one."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    with open(temporary, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    fsync_directory(path.parent)


def open_face_index(directory: Path) -> FaceIndex:
    """The index saved in ``directory``, or a new empty one (not written until save())."""
    directory = Path(directory)
    old = directory.with_name(directory.name + ".old")
    if not directory.exists() and old.exists():
        old.rename(directory)  # a rebuild stopped between its two renames
    path = directory / INDEX_FILE
    if directory.exists():
        journal.recover(path)
    if not path.exists():
        empty = FaceIndex(directory)
        empty.replay(*journal.read(directory, DIM))
        return empty
    try:
        index = faiss.read_index(str(path))
    except RuntimeError as error:
        raise FaceIndexError(f"{path} is not a faiss index: {error}") from error
    if index.d != DIM:
        raise FaceIndexError(f"{path} holds {index.d}-d vectors, not {DIM}-d.")
    meta_path = directory / META_FILE
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    face_index = FaceIndex(directory, index)
    face_index.nprobe = int(meta.get("nprobe") or face_index.nprobe)  # search settings
    face_index.replay(*journal.read(directory, DIM))
    return face_index
