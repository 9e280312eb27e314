"""The fingerprint template every other module passes around.

Coordinates and angles follow ISO/IEC 19794-2:2005, so a template survives an ISO round
trip exactly: x to the right and y downwards in pixels from the image's top-left corner,
the angle counter-clockwise from the x axis in units of 360/256 degrees, a minutia's
quality 0..100 (0 when unknown).
"""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

RIDGE_ENDING = 1
BIFURCATION = 2
OTHER = 0
ANGLE_UNIT = 360.0 / 256.0


class Minutia(NamedTuple):
    x: int
    y: int
    angle: int  # 0..255, units of 360/256 degrees, counter-clockwise from the x axis
    kind: int  # RIDGE_ENDING, BIFURCATION or OTHER (ISO type codes)
    quality: int  # 0..100

    @property
    def degrees(self) -> float:
        return self.angle * ANGLE_UNIT


@dataclass(frozen=True)
class FingerTemplate:
    """Minutiae of one finger view, with the image they came from.

    `dpi` is carried at ISO's precision (whole pixels per centimetre), `quality` is the
    finger's NFIQ 2 score when known (0..100), `finger_position` the ISO finger code
    (0 unknown, 1 right thumb .. 10 left little finger).
    """

    minutiae: tuple[Minutia, ...]
    width: int
    height: int
    dpi: int = 500
    quality: int = 0
    finger_position: int = 0
    impression_type: int = 0  # 0 live-scan plain

    def __len__(self) -> int:
        return len(self.minutiae)

    def as_array(self) -> np.ndarray:
        """(n, 4) float64: x, y, angle in radians, kind."""
        if not self.minutiae:
            return np.zeros((0, 4), dtype=np.float64)
        a = np.array([(m.x, m.y, m.angle, m.kind) for m in self.minutiae], dtype=np.float64)
        a[:, 2] *= np.pi / 128.0
        return a


def from_array(
    points: np.ndarray, *, width: int, height: int, dpi: int = 500, quality: int = 0
) -> FingerTemplate:
    """A template from (n, 3..5) rows x, y, angle (radians), [kind], [quality 0..100].

    Points outside the image are dropped; angles are quantised to ISO units.
    """
    rows: list[Minutia] = []
    for row in np.asarray(points, dtype=np.float64):
        x, y = round(float(row[0])), round(float(row[1]))
        if not (0 <= x < width and 0 <= y < height):
            continue
        angle = round(float(row[2]) * 128.0 / np.pi) % 256
        kind = int(row[3]) if len(row) > 3 else RIDGE_ENDING
        q = int(np.clip(round(float(row[4])), 0, 100)) if len(row) > 4 else 60
        rows.append(Minutia(x, y, angle, kind, q))
    return FingerTemplate(tuple(rows), width, height, dpi, quality)
