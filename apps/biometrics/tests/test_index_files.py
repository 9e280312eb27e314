"""The index adapter keeps an opened index per process, yet never serves a stale one:
when another process (here: the library writing the files directly) changes the files,
the next search reads them again; a failed write leaves no half-changed copy behind."""

import numpy as np
import pytest

from apps.biometrics import indexes
from apps.biometrics.face import index as face_index


def unit(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).standard_normal(128).astype(np.float32)
    return vector / np.linalg.norm(vector)


@pytest.mark.django_db
def test_a_write_by_another_process_is_seen() -> None:
    indexes.add((1, unit(1)), {})
    assert [i for i, _ in indexes.search_face(unit(1), 5)] == [1]
    # Another process adds face 2 and saves: our cached copy must not hide it.
    other = face_index.open_face_index(indexes.directory(indexes.FACE))
    other.add(np.array([2], dtype=np.int64), unit(2).reshape(1, -1))
    other.save()
    assert indexes.search_face(unit(2), 1)[0][0] == 2
    assert indexes.sizes()["face"] == 2


def change_then_fail() -> None:
    with indexes._index(indexes.FACE, write=True) as opened:
        opened.add(np.array([3], dtype=np.int64), unit(3).reshape(1, -1))
        raise ValueError("wrong shape")  # the change is never saved


@pytest.mark.django_db
def test_a_failed_write_drops_the_cached_copy() -> None:
    indexes.add((1, unit(1)), {})
    with pytest.raises(ValueError, match="wrong shape"):
        change_then_fail()
    assert [i for i, _ in indexes.search_face(unit(3), 5)] == [1]
