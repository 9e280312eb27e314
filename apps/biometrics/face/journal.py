"""How a face index directory is written: a base file (the whole faiss index) and a
journal of the faces added since it was written, so that an enrolment appends 520 bytes
instead of rewriting the whole index (138 MB at a million faces).

Any removal rewrites the base and deletes the journal, so an erased face is in no file
once `save()` returns (the erasure guarantee, docs/biometrics.md). The rewrite is safe
against a crash at any point:

1. the new base is written to `faces.faiss.tmp` and flushed to disk;
2. it is renamed to `faces.faiss.next`: from here on it is complete;
3. the journal is deleted;
4. `faces.faiss.next` is renamed over `faces.faiss`.

`recover()`, run before every open, finishes steps 3 and 4 when it finds a `.next`
file, and deletes a `.tmp` one (a rewrite that stopped before it was complete: the old
base and journal still hold everything). A journal's last record may be cut short by a
crash while appending; it was never reported as saved and is dropped.
"""

import os
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from apps.biometrics.durable import fsync_directory

JOURNAL_FILE = "faces.journal"
_ID = np.dtype("<i8")


def record_size(dim: int) -> int:
    return _ID.itemsize + 4 * dim  # the id, then the vector as little-endian float32


def write_base(path: Path, index: Any) -> None:
    """Replace the base at `path` with `index` and delete the journal (steps 1 to 4)."""
    temporary = path.with_name(path.name + ".tmp")
    complete = path.with_name(path.name + ".next")
    faiss.write_index(index, str(temporary))
    with open(temporary, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, complete)
    fsync_directory(path.parent)
    _finish(path, complete)


def _finish(path: Path, complete: Path) -> None:
    (path.parent / JOURNAL_FILE).unlink(missing_ok=True)
    fsync_directory(path.parent)
    os.replace(complete, path)
    fsync_directory(path.parent)


def recover(path: Path) -> None:
    """Finish or undo a base rewrite that a crash interrupted (see the module docstring)."""
    complete = path.with_name(path.name + ".next")
    if complete.exists():
        _finish(path, complete)
    path.with_name(path.name + ".tmp").unlink(missing_ok=True)


def append(directory: Path, ids: np.ndarray, vectors: np.ndarray) -> None:
    """Add records to the journal and flush them to disk. A record cut short by an
    earlier crash is cut off first, so that every record starts where it should."""
    dim = vectors.shape[1]
    records = np.empty(len(ids), dtype=[("id", _ID), ("vector", "<f4", (dim,))])
    records["id"], records["vector"] = ids, vectors
    path = directory / JOURNAL_FILE
    with open(path, "ab") as handle:
        size = handle.tell()
        if size % record_size(dim):
            handle.truncate(size - size % record_size(dim))
        handle.write(records.tobytes())
        handle.flush()
        os.fsync(handle.fileno())


def read(directory: Path, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """The journal's whole records: (ids, vectors)."""
    path = directory / JOURNAL_FILE
    if not path.exists():
        return np.empty(0, np.int64), np.empty((0, dim), np.float32)
    data = path.read_bytes()
    whole = len(data) - len(data) % record_size(dim)
    records = np.frombuffer(
        data[:whole], dtype=[("id", _ID), ("vector", "<f4", (dim,))]
    )  # fmt: skip
    return records["id"].astype(np.int64), np.ascontiguousarray(records["vector"], np.float32)
