"""Synthetic fingerprints for tests and benchmarks (no real person's fingers).

The approach is SFinGe's (Cappelli, Maio, Maltoni):

1. a **master finger**: an orientation field from singular points (Sherlock and Monro's
   zero-pole model: each core turns the ridge direction by +1/2 of its argument, each
   delta by -1/2), a smooth ridge-period map (8-11 px, 500 dpi), and ridges grown from a
   sparse noise seed by iterating a Gabor filter tuned, pixel by pixel, to the local
   orientation and period. Endings and bifurcations appear where the growing ridge
   fronts meet, as in SFinGe, so each master has its own minutiae;
2. **impressions** of a master: a contact region (an ellipse, moved for partial prints),
   rotation and translation, a smooth elastic displacement field, ridge thickness (skin
   moisture), blotches, blur and sensor noise, rendered dark ridges on a light
   background, 500 dpi.

The Gabor filters are applied in the frequency domain: an anisotropic Gaussian pair at
+/- the ridge frequency across the ridge direction, for 16 orientations and 2 periods;
each pixel blends the two nearest orientations and periods.
"""

import functools
import io
from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy import ndimage

HEIGHT = 480
WIDTH = 400
_ORIENTATIONS = 16
_ITERATIONS = 10
_PAD = 512


@dataclass(frozen=True)
class MasterFinger:
    """One synthetic finger: its ridge pattern (-1 valley .. +1 ridge) and outline."""

    seed: int
    kind: str
    ridges: np.ndarray  # float32 (HEIGHT, WIDTH)
    mask: np.ndarray  # bool (HEIGHT, WIDTH), the finger's full outline
    orientation: np.ndarray  # float32 radians in [0, pi), ridge direction


def _singular_points(rng: np.random.Generator) -> tuple[str, list[complex], list[complex]]:
    cx = WIDTH / 2 + rng.uniform(-30, 30)
    cy = HEIGHT * 0.42 + rng.uniform(-30, 30)
    kind = str(
        rng.choice(
            ["left_loop", "right_loop", "whorl", "tented_arch", "arch"],
            p=[0.32, 0.32, 0.26, 0.05, 0.05],
        )
    )
    if kind in ("left_loop", "right_loop"):
        side = 1 if kind == "right_loop" else -1
        delta = complex(cx + side * rng.uniform(90, 150), cy + rng.uniform(130, 200))
        return kind, [complex(cx, cy)], [delta]
    if kind == "whorl":
        gap = rng.uniform(15, 40)
        tilt = rng.uniform(-15, 15)
        cores = [complex(cx - tilt, cy - gap), complex(cx + tilt, cy + gap)]
        drop = rng.uniform(140, 200)
        deltas = [
            complex(cx - rng.uniform(110, 160), cy + drop),
            complex(cx + rng.uniform(110, 160), cy + drop + rng.uniform(-20, 20)),
        ]
        return kind, cores, deltas
    if kind == "tented_arch":
        return kind, [complex(cx, cy)], [complex(cx + rng.uniform(-10, 10), cy + 90)]
    return kind, [], []


def orientation_field(
    cores: list[complex], deltas: list[complex], *, arch: float = 0.0
) -> np.ndarray:
    """Ridge direction (radians, [0, pi)) of the zero-pole model on the image grid."""
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float64)
    z = xx + 1j * yy
    theta = np.zeros_like(xx)
    for c in cores:
        theta += 0.5 * np.angle(z - c)
    for d in deltas:
        theta -= 0.5 * np.angle(z - d)
    if arch:
        # A plain arch: ridges bulge upwards in the middle, less so lower down.
        cx = WIDTH / 2
        bulge = arch * np.exp(-((xx - cx) ** 2) / (2 * 90.0**2)) * (1.2 - yy / HEIGHT)
        theta += np.arctan(bulge * (xx - cx) / 90.0)
    return np.mod(theta, np.pi).astype(np.float32)


def _smooth_noise(rng: np.random.Generator, sigma: float, shape: tuple[int, int]) -> np.ndarray:
    field = ndimage.gaussian_filter(rng.standard_normal(shape), sigma, mode="reflect")
    return np.asarray(field / (np.abs(field).max() + 1e-9), dtype=np.float64)


def _outline(cx: float, cy: float, ax: float, ay: float) -> np.ndarray:
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float64)
    # Fingertips are rounder at the top than at the crease: a squarer lower half.
    dy = (yy - cy) / ay
    power = np.where(dy > 0, 4.0, 2.0)
    return np.asarray((np.abs((xx - cx) / ax) ** 2.2 + np.abs(dy) ** power) <= 1.0)


def _filter_bank(periods: tuple[float, float]) -> np.ndarray:
    """Frequency responses (periods, orientations, _PAD, _PAD // 2 + 1)."""
    fy = np.fft.fftfreq(_PAD)[:, None]
    fx = np.fft.rfftfreq(_PAD)[None, :]
    bank = np.empty((2, _ORIENTATIONS, _PAD, _PAD // 2 + 1), dtype=np.float32)
    for p, period in enumerate(periods):
        f0 = 1.0 / period
        for o in range(_ORIENTATIONS):
            phi = o * np.pi / _ORIENTATIONS + np.pi / 2  # wave vector, across the ridges
            u = fx * np.cos(phi) + fy * np.sin(phi)
            v = -fx * np.sin(phi) + fy * np.cos(phi)
            sr, st = 0.018, 0.022  # frequency and orientation selectivity
            resp = np.exp(-((u - f0) ** 2) / (2 * sr**2) - v**2 / (2 * st**2))
            resp += np.exp(-((u + f0) ** 2) / (2 * sr**2) - v**2 / (2 * st**2))
            bank[p, o] = resp
    return bank


def _weights(orientation: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    pos = orientation / np.pi * _ORIENTATIONS
    lo = np.floor(pos).astype(np.int64) % _ORIENTATIONS
    frac = (pos - np.floor(pos)).astype(np.float32)
    return lo, (lo + 1) % _ORIENTATIONS, frac


def grow_ridges(
    orientation: np.ndarray, period: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Grow a ridge pattern (-1..1) by iterated Gabor filtering of a sparse noise seed."""
    p_lo, p_hi = float(period.min()), float(period.max()) + 1e-3
    bank = _filter_bank((p_lo, p_hi))
    wp = ((period - p_lo) / (p_hi - p_lo)).astype(np.float32)
    lo, hi, frac = _weights(orientation)
    img = np.zeros((_PAD, _PAD), dtype=np.float32)
    seeds = rng.random((HEIGHT, WIDTH)) < 0.0015
    img[:HEIGHT, :WIDTH] = np.where(seeds, rng.choice([-1.0, 1.0], (HEIGHT, WIDTH)), 0.0)
    rows = np.arange(HEIGHT)[:, None]
    cols = np.arange(WIDTH)[None, :]
    for _ in range(_ITERATIONS):
        spectrum = np.fft.rfft2(img)
        out = np.zeros((HEIGHT, WIDTH), dtype=np.float32)
        for p, wgt in ((0, 1.0 - wp), (1, wp)):
            responses = np.fft.irfft2(spectrum[None] * bank[p], s=(_PAD, _PAD), axes=(1, 2))
            responses = responses[:, :HEIGHT, :WIDTH].astype(np.float32)
            blended = (1 - frac) * responses[lo, rows, cols] + frac * responses[hi, rows, cols]
            out += wgt * blended
        scale = np.percentile(np.abs(out), 90) + 1e-9
        img[:HEIGHT, :WIDTH] = np.clip(out / scale * 1.8, -1.0, 1.0)
    return img[:HEIGHT, :WIDTH].copy()


@functools.lru_cache(maxsize=32)
def master_finger(seed: int) -> MasterFinger:
    """The master finger for `seed` (the same seed always gives the same finger).

    Cached (a master takes about a second to grow); its arrays are read-only.
    """
    rng = np.random.default_rng([seed, 0x5F1])
    kind, cores, deltas = _singular_points(rng)
    arch = rng.uniform(1.0, 2.0) if kind == "arch" else 0.0
    orientation = orientation_field(cores, deltas, arch=arch)
    # Perturb the model a little so no two fingers of one class look alike.
    wobble = _smooth_noise(rng, 40, (HEIGHT, WIDTH)) * rng.uniform(0.05, 0.2)
    orientation = np.mod(orientation + wobble, np.pi).astype(np.float32)
    period = 9.3 + 1.2 * _smooth_noise(rng, 60, (HEIGHT, WIDTH)) + rng.uniform(-0.5, 0.5)
    ridges = grow_ridges(orientation, period, rng)
    mask = _outline(WIDTH / 2, HEIGHT * 0.5, WIDTH * 0.47, HEIGHT * 0.52)
    for array in (ridges, mask, orientation):
        array.flags.writeable = False
    return MasterFinger(seed, kind, ridges, mask, orientation)


@dataclass(frozen=True)
class Capture:
    """How an impression differs from the master (each field has a sensible range)."""

    rotation: float = 0.0  # degrees
    shift: tuple[float, float] = (0.0, 0.0)  # pixels (x, y)
    distortion: float = 4.0  # peak elastic displacement, pixels
    pressure: float = 0.0  # -1 dry/thin ridges .. +1 wet/thick ridges
    noise: float = 0.08  # sensor noise, fraction of the dynamic range
    contact: float = 1.0  # fraction of the finger's outline that touches the sensor


def random_capture(rng: np.random.Generator, *, difficulty: float = 1.0) -> Capture:
    """A plausible capture: rotation +/-15 deg, shift +/-25 px, partial contact."""
    return Capture(
        rotation=float(rng.uniform(-15, 15) * difficulty),
        shift=(float(rng.uniform(-25, 25) * difficulty), float(rng.uniform(-25, 25) * difficulty)),
        distortion=float(rng.uniform(2, 6) * difficulty),
        pressure=float(rng.uniform(-0.5, 0.5)),
        noise=float(rng.uniform(0.03, 0.1)),
        contact=float(1.0 - rng.uniform(0.0, 0.25) * difficulty),
    )


def impression(
    master: MasterFinger, seed: int, *, capture: Capture | None = None, difficulty: float = 1.0
) -> np.ndarray:
    """One 500 dpi grey image (uint8, HEIGHT x WIDTH) of `master`, dark ridges on light."""
    rng = np.random.default_rng([master.seed, seed, 0x1A7])
    cap = capture if capture is not None else random_capture(rng, difficulty=difficulty)
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float64)
    cx, cy = WIDTH / 2, HEIGHT / 2
    a = np.deg2rad(cap.rotation)
    # Inverse mapping: where in the master each output pixel comes from.
    dx, dy = xx - cx - cap.shift[0], yy - cy - cap.shift[1]
    sx = np.cos(a) * dx + np.sin(a) * dy + cx
    sy = -np.sin(a) * dx + np.cos(a) * dy + cy
    if cap.distortion > 0:
        sx += cap.distortion * _smooth_noise(rng, 45, (HEIGHT, WIDTH))
        sy += cap.distortion * _smooth_noise(rng, 45, (HEIGHT, WIDTH))
    coords = np.stack([sy, sx])
    ridges = ndimage.map_coordinates(master.ridges, coords, order=1, mode="constant", cval=-1.0)
    inside = ndimage.map_coordinates(master.mask.astype(np.float32), coords, order=1) > 0.5
    # Contact region: a smaller ellipse, moved off centre for partial prints.
    scale = np.sqrt(max(cap.contact, 0.2))
    off = rng.uniform(-1, 1, 2) * (1 - scale) * np.array([WIDTH, HEIGHT]) * 0.5
    contact = _outline(cx + off[0], cy + off[1], WIDTH * 0.45 * scale, HEIGHT * 0.5 * scale)
    region = inside & contact
    region = ndimage.gaussian_filter(region.astype(np.float32), 6) > 0.5
    # Pressure moves the ridge/valley threshold (thin dry ridges vs thick wet ones).
    thickness = cap.pressure * 0.5 + 0.15 * _smooth_noise(rng, 30, (HEIGHT, WIDTH))
    ink = 1.0 / (1.0 + np.exp(-(ridges + thickness) * 4.0))
    blotches = _smooth_noise(rng, 12, (HEIGHT, WIDTH))
    ink = np.where(blotches > 0.75, ink * 0.4, ink)  # dry patches lose contact
    ink = ndimage.gaussian_filter(ink, 0.8)
    fade = ndimage.gaussian_filter(region.astype(np.float32), 4)
    grey = 225.0 - 190.0 * ink * fade
    grey += rng.standard_normal((HEIGHT, WIDTH)) * 255.0 * cap.noise
    return np.asarray(np.clip(grey, 0, 255), dtype=np.uint8)


def png_bytes(array: np.ndarray) -> bytes:
    """PNG file bytes of a grey uint8 image (with 500 dpi recorded)."""
    out = io.BytesIO()
    Image.fromarray(np.asarray(array, dtype=np.uint8), mode="L").save(
        out, format="PNG", dpi=(500, 500)
    )
    return out.getvalue()


def jpeg_bytes(array: np.ndarray, *, quality: int = 92) -> bytes:
    """JPEG file bytes of a grey uint8 image."""
    out = io.BytesIO()
    Image.fromarray(np.asarray(array, dtype=np.uint8), mode="L").save(
        out, format="JPEG", quality=quality, dpi=(500, 500)
    )
    return out.getvalue()
