"""Quality measures of a detected face and the reason codes that refuse it.

Measures are taken on the aligned 150 px chip (the one the embedding sees) so that they
do not depend on the size of the photograph; the size check uses the distance between the
eyes in the original image, which is what decides how much detail the chip can hold.
"""

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Reason codes (the app translates them; keep in step with conventions.md).
NO_FACE = "no_face"
TOO_SMALL = "too_small"
BLURRED = "blurred"
TOO_DARK = "too_dark"
EYES_NOT_LEVEL = "eyes_not_level"
REASONS = (NO_FACE, TOO_SMALL, BLURRED, TOO_DARK, EYES_NOT_LEVEL)

# Thresholds, calibrated on the generated variations in samples.py (docs/biometrics.md).
MIN_EYE_DISTANCE_PX = 30.0  # centre of one eye to the other, in the original image
MIN_SHARPNESS = 50.0  # variance of the Laplacian of the contrast-normalised grey chip
MIN_BRIGHTNESS = 60.0  # mean grey level of the central face area of the chip
MAX_ROLL_DEGREES = 8.0  # tilt of the line through the eyes


@dataclass(frozen=True)
class FaceQuality:
    ok: bool
    reasons: tuple[str, ...]
    measures: dict[str, float] = field(default_factory=dict)


def no_face(measures: dict[str, float] | None = None) -> FaceQuality:
    return FaceQuality(ok=False, reasons=(NO_FACE,), measures=measures or {})


def eye_centres(points: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    """Centres of the two eyes from dlib's 5-point shape (0,1: one eye's corners,
    2,3: the other's, 4: under the nose)."""
    (ax, ay), (bx, by), (cx, cy), (dx, dy) = points[:4]
    return ((ax + bx) / 2, (ay + by) / 2), ((cx + dx) / 2, (cy + dy) / 2)


def roll_degrees(points: list[tuple[float, float]]) -> float:
    """Angle of the eye line against the horizontal, in (-90, 90]."""
    (x1, y1), (x2, y2) = eye_centres(points)
    angle = math.degrees(math.atan2(y1 - y2, x1 - x2))
    # The eyes may come in either order: fold to the smaller angle against horizontal.
    if angle > 90:
        angle -= 180
    elif angle <= -90:
        angle += 180
    return angle


def eye_distance(points: list[tuple[float, float]]) -> float:
    (x1, y1), (x2, y2) = eye_centres(points)
    return math.hypot(x1 - x2, y1 - y2)


def grey(chip: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    rgb = chip.astype(np.float32)
    return 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]


def sharpness(grey_chip: np.ndarray[Any, Any]) -> float:
    """Variance of the 4-neighbour Laplacian over the central face area, after scaling
    its contrast to a standard deviation of 40 grey levels, so that a dim photo is not
    taken for a blurred one."""
    g = central(grey_chip)
    g = (g - g.mean()) * (40.0 / (float(g.std()) + 1e-6))
    lap = -4 * g[1:-1, 1:-1] + g[:-2, 1:-1] + g[2:, 1:-1] + g[1:-1, :-2] + g[1:-1, 2:]
    return float(lap.var())


def central(grey_chip: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """The middle of the chip: eyes, nose and mouth, little background or hair."""
    h, w = grey_chip.shape
    return grey_chip[h // 5 : h - h // 6, w // 5 : w - w // 5]


def assess(points: list[tuple[float, float]], chip: np.ndarray[Any, Any]) -> FaceQuality:
    """Quality of one detected face from its landmarks (original image coordinates) and
    its aligned chip (RGB uint8)."""
    g = grey(chip)
    measures = {
        "eye_distance_px": round(eye_distance(points), 1),
        "roll_degrees": round(roll_degrees(points), 1),
        "sharpness": round(sharpness(g), 1),
        "brightness": round(float(central(g).mean()), 1),
    }
    reasons = []
    if measures["eye_distance_px"] < MIN_EYE_DISTANCE_PX:
        reasons.append(TOO_SMALL)
    if measures["sharpness"] < MIN_SHARPNESS:
        reasons.append(BLURRED)
    if measures["brightness"] < MIN_BRIGHTNESS:
        reasons.append(TOO_DARK)
    if abs(measures["roll_degrees"]) > MAX_ROLL_DEGREES:
        reasons.append(EYES_NOT_LEVEL)
    return FaceQuality(ok=not reasons, reasons=tuple(reasons), measures=measures)
