"""Synthetic embeddings keep the distance statistics measured on dlib (CALIBRATION)."""

import numpy as np
import pytest

from apps.biometrics.face import synthetic
from apps.biometrics.face.pipeline import MATCH_DISTANCE
from apps.biometrics.face.synthetic import CALIBRATION


def test_genuine_and_impostor_distances_match_the_calibration() -> None:
    genuine, impostor = synthetic.distance_statistics(count=20_000, seed=3)
    assert genuine.mean() == pytest.approx(CALIBRATION.genuine_mean, rel=0.05)
    assert genuine.std() == pytest.approx(CALIBRATION.genuine_sd, rel=0.1)
    assert impostor.mean() == pytest.approx(CALIBRATION.impostor_mean, rel=0.05)
    assert impostor.std() == pytest.approx(CALIBRATION.impostor_sd, rel=0.1)
    # As with dlib: almost every genuine pair and almost no impostor pair within 0.6.
    assert np.mean(genuine < MATCH_DISTANCE) > 0.99
    assert np.mean(impostor < MATCH_DISTANCE) < 0.02


def test_embeddings_have_the_norm_of_dlibs() -> None:
    faces = synthetic.model()
    rng = np.random.default_rng(4)
    vectors = faces.captures(rng, faces.people(rng, 5000))
    assert vectors.dtype == np.float32
    assert vectors.shape == (5000, 128)
    norms = np.linalg.norm(vectors, axis=1)
    assert norms.mean() == pytest.approx(CALIBRATION.norm_mean, rel=0.05)


def test_the_same_seed_gives_the_same_gallery() -> None:
    first = list(synthetic.gallery(2500, seed=9, chunk=1000))
    again = list(synthetic.gallery(2500, seed=9, chunk=1000))
    assert [len(ids) for ids, _, _ in first] == [1000, 1000, 500]
    assert np.array_equal(np.concatenate([i for i, _, _ in first]), np.arange(2500))
    for (_, c1, v1), (_, c2, v2) in zip(first, again, strict=True):
        assert np.array_equal(c1, c2)
        assert np.array_equal(v1, v2)
    other = next(synthetic.gallery(10, seed=10))[2]
    assert not np.array_equal(other, first[0][2][:10])


def test_the_fit_is_deterministic() -> None:
    a, b = synthetic.fit(seed=0), synthetic.fit(seed=0)
    assert np.array_equal(a.spectrum, b.spectrum)
    assert a.noise_scale == b.noise_scale
