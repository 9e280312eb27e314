"""Minutia-pair hashing for the candidate index (geometric hashing on Bozorth3's pairs).

Bozorth3 compares the two templates' *pair tables*: for every pair of minutiae, their
distance and the angles each minutia makes with the line joining them. Those three
numbers do not change when a finger is moved or turned on the sensor, so they make a
hash key: the index files each gallery pair under its quantised (distance, beta1,
beta2), with the pair line's absolute direction. A probe looks up its own pairs (both
orderings, and the two nearest bins of each quantity, as MINDTCT's angles wobble by a
bin), and each hit votes for (gallery template, rotation = probe direction - gallery
direction). True mates pile their votes into one rotation bin; chance hits spread over
all of them, which is the generalized-Hough step of geometric hashing.
"""

import numpy as np

from apps.biometrics.fingerprints import iso
from apps.biometrics.fingerprints.match import best_rows, template_rows
from apps.biometrics.fingerprints.template import FingerTemplate

D_MIN = 12.0
D_MAX = 140.0
D_STEP = 6.0
D_BINS = int((D_MAX - D_MIN) / D_STEP)
BETA_BINS = 32
GALLERY_NEIGHBOURS = 5
PROBE_NEIGHBOURS = 6
PHI_BINS = 32
ROT_BINS = 16
KEYS = D_BINS * BETA_BINS * BETA_BINS
_TWO_PI = 2.0 * np.pi


def _geometry(rows: np.ndarray, neighbours: int) -> tuple[np.ndarray, ...]:
    """Pairs (i < j) of a minutia and one of its nearest `neighbours` within range:
    distance, beta_i, beta_j, direction i->j (radians), among the best rows."""
    a = best_rows(rows).astype(np.float64)
    if len(a) < 2:
        empty = np.zeros(0, dtype=np.float64)
        return empty, empty, empty, empty
    x, y, th = a[:, 0], a[:, 1], a[:, 2] * (np.pi / 128.0)
    dx = x[None, :] - x[:, None]
    dy = y[:, None] - y[None, :]  # the image's y grows downwards; angles grow anticlockwise
    d = np.hypot(dx, dy)
    ok = (d >= D_MIN) & (d < D_MAX)
    ranked = np.where(ok, d, np.inf)
    nearest = np.argsort(ranked, axis=1)[:, :neighbours]
    near = np.zeros_like(ok)
    np.put_along_axis(near, nearest, True, axis=1)
    near &= ok
    i, j = np.nonzero(np.triu(near | near.T, k=1))
    phi = np.arctan2(dy[i, j], dx[i, j])
    b1 = np.mod(th[i] - phi, _TWO_PI)
    b2 = np.mod(th[j] - phi, _TWO_PI)
    return d[i, j], b1, b2, np.mod(phi, _TWO_PI)


def gallery_keys(t: FingerTemplate) -> tuple[np.ndarray, np.ndarray]:
    """(keys int32, directions uint8 in PHI_BINS) of a gallery template's pairs."""
    return rows_keys(template_rows(t))


def record_keys(record: bytes) -> tuple[np.ndarray, np.ndarray]:
    """`gallery_keys` of a record iso.to_iso wrote."""
    return rows_keys(iso.record_rows(record))


def rows_keys(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    d, b1, b2, phi = _geometry(rows, GALLERY_NEIGHBOURS)
    db = np.clip(((d - D_MIN) / D_STEP).astype(np.int64), 0, D_BINS - 1)
    k1 = (b1 / _TWO_PI * BETA_BINS).astype(np.int64) % BETA_BINS
    k2 = (b2 / _TWO_PI * BETA_BINS).astype(np.int64) % BETA_BINS
    keys = (db * BETA_BINS + k1) * BETA_BINS + k2
    dirs = (phi / _TWO_PI * PHI_BINS).astype(np.int64) % PHI_BINS
    return keys.astype(np.int32), dirs.astype(np.uint8)


def _two_bins(v: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray]:
    lo = np.floor(v / width - 0.5).astype(np.int64)
    return lo, lo + 1


def probe_keys(t: FingerTemplate) -> tuple[np.ndarray, np.ndarray]:
    """(keys, directions) a probe looks up: both orderings, two bins per quantity."""
    d, b1, b2, phi = _geometry(template_rows(t), PROBE_NEIGHBOURS)
    rev_phi = np.mod(phi + np.pi, _TWO_PI)
    # The reversed pair j -> i: same distance, angles measured from the opposite line.
    both_d = np.concatenate([d, d])
    both_b1 = np.concatenate([b1, np.mod(b2 - np.pi, _TWO_PI)])
    both_b2 = np.concatenate([b2, np.mod(b1 - np.pi, _TWO_PI)])
    both_phi = np.concatenate([phi, rev_phi])
    d_lo, d_hi = _two_bins(both_d - D_MIN, D_STEP)
    w = _TWO_PI / BETA_BINS
    a_lo, a_hi = _two_bins(both_b1, w)
    c_lo, c_hi = _two_bins(both_b2, w)
    dirs = (both_phi / _TWO_PI * PHI_BINS).astype(np.int64) % PHI_BINS
    keys, out_dirs = [], []
    for db in (d_lo, d_hi):
        valid = (db >= 0) & (db < D_BINS)
        for k1 in (a_lo, a_hi):
            for k2 in (c_lo, c_hi):
                key = (db * BETA_BINS + k1 % BETA_BINS) * BETA_BINS + k2 % BETA_BINS
                keys.append(key[valid])
                out_dirs.append(dirs[valid])
    return (
        np.concatenate(keys).astype(np.int64),
        np.concatenate(out_dirs).astype(np.int64),
    )
