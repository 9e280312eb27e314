"""Minutiae templates made directly, for galleries too large to render (100k and up).

Rendering a master finger and running MINDTCT takes about a second per finger, so a
100k gallery is filled with templates drawn straight from the same finger model that
`synthetic` renders: singular points and the Sherlock-Monro orientation field, the
finger's outline, minutiae spread over it at MINDTCT-like density (jittered grid, at
least ~15 px apart), each pointing along the local ridge direction one way or the other,
ridge endings and bifurcations in equal shares, reliabilities like MINDTCT's.

These are stand-ins for *other people's* fingers (impostors): their minutiae are not
those of a rendered ridge pattern, which the benchmark states. Mated searches use
templates that MINDTCT extracted from rendered impressions.
"""

import numpy as np

from apps.biometrics.fingerprints import iso, synthetic
from apps.biometrics.fingerprints.template import FingerTemplate, Minutia


def _orientation_at(
    x: np.ndarray, y: np.ndarray, cores: list[complex], deltas: list[complex]
) -> np.ndarray:
    z = x + 1j * y
    theta = np.zeros_like(x)
    for c in cores:
        theta += 0.5 * np.angle(z - c)
    for d in deltas:
        theta -= 0.5 * np.angle(z - d)
    return np.asarray(theta)


def random_template(seed: int) -> FingerTemplate:
    """A plausible MINDTCT template of a finger nobody rendered (same seed, same one)."""
    rows = random_rows(seed)
    minutiae = tuple(Minutia(*(int(v) for v in row)) for row in rows)
    return FingerTemplate(minutiae, synthetic.WIDTH, synthetic.HEIGHT, 500, 0)


def random_record(seed: int) -> bytes:
    """`iso.to_iso(random_template(seed))`, faster (for 100k-template galleries)."""
    return iso.pack_rows(synthetic.WIDTH, synthetic.HEIGHT, random_rows(seed))


def random_rows(seed: int) -> np.ndarray:
    """The minutiae of `random_template(seed)` as (n, 5) rows x, y, angle, kind, quality."""
    rng = np.random.default_rng([seed, 0x6A1])
    _kind, cores, deltas = synthetic._singular_points(rng)
    w, h = synthetic.WIDTH, synthetic.HEIGHT
    count = int(np.clip(rng.normal(62, 12), 25, 110))
    spacing = 32.0
    gx, gy = np.meshgrid(np.arange(spacing / 2, w, spacing), np.arange(spacing / 2, h, spacing))
    x = gx.ravel() + rng.uniform(-0.35, 0.35, gx.size) * spacing
    y = gy.ravel() + rng.uniform(-0.35, 0.35, gy.size) * spacing
    cx, cy = w / 2 + rng.uniform(-20, 20), h / 2 + rng.uniform(-20, 20)
    ax, ay = w * rng.uniform(0.38, 0.46), h * rng.uniform(0.42, 0.5)
    inside = ((x - cx) / ax) ** 2 + ((y - cy) / ay) ** 2 <= 1.0
    x, y = x[inside], y[inside]
    pick = rng.permutation(len(x))[: min(count, len(x))]
    x, y = x[pick], y[pick]
    theta = _orientation_at(x, y, cores, deltas) + rng.normal(0, 0.1, len(x))
    # ISO angles turn anticlockwise with y up; the model's grid has y down.
    theta = -theta + np.pi * rng.integers(0, 2, len(x))
    angle = np.round(np.mod(theta, 2 * np.pi) * 128 / np.pi).astype(np.int64) % 256
    kinds = rng.integers(1, 3, len(x))
    quality = np.clip(rng.normal(55, 25, len(x)), 20, 99).astype(np.int64)
    xi = np.clip(np.round(x), 0, w - 1).astype(np.int64)
    yi = np.clip(np.round(y), 0, h - 1).astype(np.int64)
    return np.stack([xi, yi, angle, kinds, quality], axis=1)
