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

import base64
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


# Where dlib's embeddings of real faces sit: the mean embedding of every good variation
# of the sample people (astronaut, Grace Hopper), as float32 in base64. Real embeddings
# share a large common component; synthetic people are spread around its direction, so
# that a real photo searched in a synthetic gallery meets impostors at the calibrated
# distances (a random direction put them 1.7 apart and broke quantised indexes trained
# on the synthetic gallery). Recompute with measured_mean_direction().
_REAL_MEAN = (
    "eviCvQIS7jygmSU9JDWAu0Hm3b2e/hC9LMjGvGoYFr70irY9cBfdvTGMMz75KoW9/56UviAsMr0swO+8baYa"
    "Pn7+Db7AeQO+7/YEvu4N2b1s3IO6qEUUPbe5Djun8dg8GdU3vjhJi75x3Sq9zJCZvTESazykm5O94KesvBep"
    "wT030QO+PzKnO7kEuz3/7gg+8Mdtvfespr1+rl4+zKmavG/xUb62T2M79PSCPceIWj7SX4w+jMxPvUb3ybzH"
    "t4i9HwwjPifFj76U5yQ8ErsTPtfDyD0JjLk9xIyQPBo1CL76Dhi9NDxfPjBRhL72uMS87rFKPT/bSb6VSf28"
    "a6YWvWdqEz5Sn/493lcnvu56+b1GrkY+QKBivqWN+Lsu31E9F1i+vU68F74YdJG+1SKDPELVzT63rxQ+OWcB"
    "vllvA71pfpm93zf6vJs8A7tapBc9pio2vf8AzL0Jy5i99JwCPaAiPj5Lj9u8XtFjugspTD4EG8Y6SagBvLsD"
    "6zwW0m49IvsvvuZrnL3LXOa9Bwhiva69lL28cMW9oOi5PQ0gDD41CPy9gPNFPlnBFb37Ouy8K3ojO+rAIb0M"
    "0eK8yRgQvYL6Ej7qg3C+S9ISPqWxAj6c3G89+v4aPnUu/TziFkw9cW8XvfoeAr2NWRy+n8SqvbztdTxPDno4"
    "HtydPTIBGjw="
)


def real_mean_direction() -> np.ndarray[Any, Any]:
    mean = np.frombuffer(base64.b64decode(_REAL_MEAN), dtype=np.float32).astype(np.float64)
    return mean / np.linalg.norm(mean)


def measured_mean_direction() -> np.ndarray[Any, Any]:
    """The unit direction of the mean dlib embedding of the sample people's good
    variations (slow: runs dlib on every variation)."""
    from apps.biometrics.face import samples
    from apps.biometrics.face.pipeline import analyse_face

    vectors = [
        result.embedding
        for rgb in samples.people().values()
        for make in samples.GOOD.values()
        if (result := analyse_face(bytes(make(rgb)))).embedding is not None
    ]
    mean = np.mean(np.stack(vectors), axis=0)
    return np.asarray(mean / np.linalg.norm(mean))


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
    direction = real_mean_direction()
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
