"""The persisted search indexes, as the workflow uses them: one face index and one
finger index under settings.BIOMETRICS_INDEX_DIR ("face/", "fingers/").

A thin adapter over the libraries (apps.biometrics.face.index,
apps.biometrics.fingerprints.index). Every change opens the index from disk under an
exclusive file lock, applies itself and saves, so the web processes and the task
worker never overwrite each other's additions. The database is the truth: entries of
enrolments that are gone are ignored by the searches, and `manage.py biometrics
rebuild-index` rewrites both indexes from the sealed templates.
"""

import fcntl
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings

from apps.biometrics.fingerprints import iso

FACE = "face"
FINGERS = "fingers"


def _face_lib() -> Any:
    # faiss is loaded on first use, not when Django loads the URLs.
    from apps.biometrics.face import index

    return index


def _finger_lib() -> Any:
    from apps.biometrics.fingerprints import index

    return index


def directory(name: str) -> Path:
    path = Path(settings.BIOMETRICS_INDEX_DIR) / name
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def _locked(name: str, *, exclusive: bool) -> Iterator[Path]:
    path = directory(name)
    lock_path = Path(settings.BIOMETRICS_INDEX_DIR) / f".{name}.lock"
    with lock_path.open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield path
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# Opened indexes of this process, by name, with the signature of the files they were
# read from: a search reuses one while the files on disk are unchanged, instead of
# reading the whole index again (a 100,000-face index is 51 MB).
_OPENED: dict[str, tuple[tuple[Any, ...], Any]] = {}


def _signature(path: Path) -> tuple[Any, ...]:
    files = sorted(p for p in path.iterdir() if p.is_file())
    return (str(path), *((p.name, p.stat().st_ino, p.stat().st_mtime_ns) for p in files))


@contextmanager
def _index(name: str, *, write: bool) -> Iterator[Any]:
    """The index `name`, opened (or reused) under its lock; with `write`, saved on a
    clean exit. After an error the cached copy is dropped: it may hold unsaved changes."""
    with _locked(name, exclusive=write) as path:
        try:
            signature = _signature(path)
            cached = _OPENED.get(name)
            if cached is not None and cached[0] == signature:
                index = cached[1]
            else:
                opener = (
                    _face_lib().open_face_index if name == FACE else _finger_lib().open_finger_index
                )
                index = opener(path)
                _OPENED[name] = (signature, index)
            yield index
            if write:
                index.save()
                _OPENED[name] = (_signature(path), index)
                _record_size(name, len(index))
        except BaseException:
            _OPENED.pop(name, None)
            raise


def search_face(vector: np.ndarray, k: int) -> list[tuple[int, float]]:
    """Nearest enrolled faces: (enrolment id, euclidean distance), nearest first."""
    with _index(FACE, write=False) as index:
        if len(index) == 0:
            return []
        return [(int(i), float(d)) for i, d in index.search(vector, k)]


def search_fingers(template: bytes, k: int) -> list[tuple[int, int]]:
    """The best gallery fingers for this ISO template: (finger row id, Bozorth3 score),
    best first (the library shortlists by pair hashing, then scores with Bozorth3)."""
    with _index(FINGERS, write=False) as index:
        if len(index) == 0:
            return []
        return [(int(i), int(score)) for i, score in index.search(iso.from_iso(template), k)]


def add(face: tuple[int, np.ndarray] | None, fingers: dict[int, bytes]) -> None:
    """Add one enrolment: its face (enrolment id, vector) and fingers (finger row id →
    ISO template). Idempotent: an id already present is replaced."""
    if face is not None:
        with _index(FACE, write=True) as index:
            ids = np.array([face[0]], dtype=np.int64)
            index.remove(ids)
            index.add(ids, face[1].reshape(1, -1).astype(np.float32))
    if fingers:
        with _index(FINGERS, write=True) as findex:
            for finger_id, template in fingers.items():
                findex.remove(finger_id)
                findex.add(finger_id, iso.from_iso(template))


def remove(face_ids: Iterable[int], finger_ids: Iterable[int]) -> None:
    """Take entries out of both indexes and save the files without them."""
    faces = np.array(sorted(set(face_ids)), dtype=np.int64)
    if len(faces):
        with _index(FACE, write=True) as index:
            index.remove(faces)
    fingers = sorted(set(finger_ids))
    if fingers:
        with _index(FINGERS, write=True) as findex:
            for finger_id in fingers:
                findex.remove(finger_id)


Progress = Callable[[int, int], None]


def rebuild_face(items: Iterable[tuple[int, np.ndarray]], total: int, progress: Progress) -> int:
    """Replace the face index with `items` (the library builds beside the old one and
    swaps at the end); returns its size."""
    with _locked(FACE, exclusive=True) as path:
        size = len(_face_lib().rebuild_face_index(path, items, total, progress))
        _record_size(FACE, size)
        return size


def rebuild_fingers(items: Iterable[tuple[int, bytes]], total: int, progress: Progress) -> int:
    """Replace the finger index with `items` (finger row id, ISO template), built
    beside the old one and swapped in at the end."""
    with _locked(FINGERS, exclusive=True) as path:
        staging = path.with_name(f"{FINGERS}.rebuild")
        shutil.rmtree(staging, ignore_errors=True)
        templates = ((i, iso.from_iso(t)) for i, t in items)
        size = len(_finger_lib().rebuild_finger_index(staging, templates, total, progress))
        _swap(staging, path)
        _record_size(FINGERS, size)
        return size


def _swap(staging: Path, path: Path) -> None:
    """Put the rebuilt files in place of the old ones (the lock is held)."""
    old = path.with_name(f"{path.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    path.rename(old)
    staging.rename(path)
    shutil.rmtree(old, ignore_errors=True)


def sizes() -> dict[str, int]:
    """Entries in each index, as the files on disk hold them."""
    with _index(FACE, write=False) as faces, _index(FINGERS, write=False) as fingers:
        return {FACE: len(faces), FINGERS: len(fingers)}


def _record_size(name: str, size: int) -> None:
    from apps.biometrics.models import IndexStatus

    IndexStatus.objects.update_or_create(name=name, defaults={"entries": size})


def face_bytes(index_dir: Path | None = None) -> bytes:
    """Everything persisted for the face index (to prove removals reach the disk)."""
    return _all_bytes(index_dir or directory(FACE))


def finger_bytes(index_dir: Path | None = None) -> bytes:
    return _all_bytes(index_dir or directory(FINGERS))


def _all_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file())
