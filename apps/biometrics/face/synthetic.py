"""Synthetic face embeddings whose distances behave like dlib's, for tests at scale.

Nobody's face is needed to test a gallery of ten million: each synthetic person is a
centre ``mean + B (s * z)`` (z standard normal in 128-d, ``s`` a geometrically decaying
spectrum, ``B`` a fixed random rotation), and each capture of that person adds isotropic
noise whose scale varies from capture to capture (log-normal), as photo quality does.
The spectrum's level and decay are fitted to the impostor distance mean and spread, the
capture noise to the genuine distance mean and spread, and the common ``mean`` to the
norm of dlib's descriptors. The targets are measured by ``measure()`` with dlib on the
generated variations of samples.py; the figures are recorded in CALIBRATION and in
docs/biometrics.md ("Synthetic embeddings").
"""

import functools
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

DIM = 128
Vectors = np.ndarray[Any, np.dtype[np.float32]]


@dataclass(frozen=True)
class Calibration:
    """Distance statistics (euclidean) of dlib embeddings."""

    genuine_mean: float
    genuine_sd: float
    impostor_mean: float
    impostor_sd: float
    norm_mean: float
    genuine_pairs: int = 0
    impostor_pairs: int = 0
    identities: int = 0


# Measured by measure() on 3 identities x 13 good variations (see docs/biometrics.md).
CALIBRATION = Calibration(
    genuine_mean=0.1857,
    genuine_sd=0.0927,
    impostor_mean=0.749,
    impostor_sd=0.0643,
    norm_mean=1.3896,
    genuine_pairs=234,
    impostor_pairs=507,
    identities=3,
)


def measure() -> Calibration:
    """Run dlib on every good variation of every sample person and return the distance
    statistics. The cameraman of skimage.data.camera() counts as a third identity: his
    face is small and in profile-ish light, so he is found only with a detection
    threshold lower than production's (-0.6 instead of 0); he is used here only."""
    from skimage import data

    from apps.biometrics.face import pipeline, samples

    people = samples.people()
    people["cameraman"] = np.ascontiguousarray(np.stack([data.camera()] * 3, axis=-1))
    found: list[tuple[str, np.ndarray[Any, Any]]] = []
    for person, rgb in people.items():
        threshold = -0.6 if person == "cameraman" else pipeline.DETECT_THRESHOLD
        for variation in samples.variations(person, rgb, bad=False):
            decoded = pipeline.decode_image(variation.image)
            result = pipeline.analyse_rgb(decoded, threshold=threshold)
            if result.embedding is not None:
                found.append((person, result.embedding))
    genuine: list[float] = []
    impostor: list[float] = []
    for (a, va), (b, vb) in itertools.combinations(found, 2):
        (genuine if a == b else impostor).append(float(np.linalg.norm(va - vb)))
    return Calibration(
        genuine_mean=round(float(np.mean(genuine)), 4),
        genuine_sd=round(float(np.std(genuine)), 4),
        impostor_mean=round(float(np.mean(impostor)), 4),
        impostor_sd=round(float(np.std(impostor)), 4),
        norm_mean=round(float(np.mean([np.linalg.norm(v) for _, v in found])), 4),
        genuine_pairs=len(genuine),
        impostor_pairs=len(impostor),
        identities=len(people),
    )


@dataclass(frozen=True)
class FaceModel:
    """A fitted generator: see the module docstring."""

    spectrum: np.ndarray[Any, Any]  # standard deviation along each principal axis
    basis: np.ndarray[Any, Any]  # orthonormal 128x128
    mean: np.ndarray[Any, Any]
    noise_scale: float  # median capture noise per dimension
    noise_spread: float  # sigma of its logarithm

    def people(self, rng: np.random.Generator, count: int) -> Vectors:
        """``count`` new identity centres."""
        z = rng.standard_normal((count, DIM), dtype=np.float32) * self.spectrum
        return np.asarray(z @ self.basis.T + self.mean, dtype=np.float32)

    def captures(self, rng: np.random.Generator, centres: Vectors) -> Vectors:
        """One capture (an embedding of one photo) of each person."""
        scale = self.noise_scale * np.exp(self.noise_spread * rng.standard_normal(len(centres)))
        noise = rng.standard_normal(centres.shape, dtype=np.float32)
        return np.asarray(centres + noise * scale[:, None].astype(np.float32), dtype=np.float32)


def _genuine(rng: np.random.Generator, scale: float, spread: float, n: int) -> Any:
    s1, s2 = (scale * np.exp(spread * rng.standard_normal(n)) for _ in range(2))
    return np.sqrt((s1**2 + s2**2) * rng.chisquare(DIM, n))


def _bisect(low: float, high: float, too_high: Any, steps: int = 40) -> float:
    """The x in [low, high] where the monotone predicate too_high(x) flips."""
    for _ in range(steps):
        middle = (low + high) / 2
        low, high = (low, middle) if too_high(middle) else (middle, high)
    return (low + high) / 2


def fit(target: Calibration = CALIBRATION, seed: int = 0) -> FaceModel:
    """Fit the generator to ``target`` by simulation (fixed seed, deterministic)."""
    n = 20_000
    # Capture noise: its spread sets the genuine coefficient of variation, its scale the mean.
    cv = target.genuine_sd / target.genuine_mean
    spread = _bisect(
        0.0,
        2.0,
        lambda t: np.std(g := _genuine(np.random.default_rng(seed), 1, t, n)) / np.mean(g) > cv,
    )
    scale = target.genuine_mean / float(
        np.mean(_genuine(np.random.default_rng(seed), 1, spread, n))
    )
    rng = np.random.default_rng(seed)
    noise_sq = _genuine(rng, scale, spread, n) ** 2
    chi = rng.standard_normal((n, DIM)) ** 2

    def impostor(decay: float) -> Any:
        shape = decay ** np.arange(DIM)
        # Level so that the mean squared distance matches: E d^2 = 2 sum(s^2) + E noise.
        level = max(target.impostor_mean**2 - float(noise_sq.mean()), 1e-6) / (2 * shape.sum())
        return np.sqrt(2 * level * chi @ shape + noise_sq), level * shape

    decay = _bisect(0.8, 1.0, lambda r: np.std(impostor(r)[0]) < target.impostor_sd)
    distances, variances = impostor(decay)
    # Rescale the level so that the mean distance (not its square) matches.
    variances = variances * (target.impostor_mean / float(np.mean(distances))) ** 2
    basis, _ = np.linalg.qr(np.random.default_rng(seed + 1).standard_normal((DIM, DIM)))
    direction = np.random.default_rng(seed + 2).standard_normal(DIM)
    mean_sq = (
        target.norm_mean**2 - float(variances.sum()) - DIM * scale**2 * math.exp(2 * spread**2)
    )
    mean = direction / np.linalg.norm(direction) * math.sqrt(max(mean_sq, 0.0))
    return FaceModel(
        spectrum=np.sqrt(variances).astype(np.float32),
        basis=basis.astype(np.float32),
        mean=mean.astype(np.float32),
        noise_scale=float(scale),
        noise_spread=float(spread),
    )


@functools.cache
def model(seed: int = 0) -> FaceModel:
    return fit(CALIBRATION, seed)


def gallery(
    count: int, *, seed: int, chunk: int = 100_000, first_id: int = 0
) -> Iterator[tuple[np.ndarray[Any, np.dtype[np.int64]], Vectors, Vectors]]:
    """``count`` synthetic people in chunks: (ids, identity centres, enrolment captures).
    The same seed gives the same people, chunk by chunk, so 10 M never sit in memory."""
    faces = model()
    for number, start in enumerate(range(0, count, chunk)):
        rng = np.random.default_rng([seed, number])
        size = min(chunk, count - start)
        centres = faces.people(rng, size)
        ids = np.arange(first_id + start, first_id + start + size, dtype=np.int64)
        yield ids, centres, faces.captures(rng, centres)


def distance_statistics(
    count: int = 4000, seed: int = 1
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Genuine and impostor distances of ``count`` synthetic people (two captures each;
    impostors pair each person's first capture with the next person's second)."""
    faces = model()
    rng = np.random.default_rng(seed)
    centres = faces.people(rng, count)
    first, second = faces.captures(rng, centres), faces.captures(rng, centres)
    genuine = np.linalg.norm(first - second, axis=1)
    impostor = np.linalg.norm(first - np.roll(second, 1, axis=0), axis=1)
    return genuine, impostor
