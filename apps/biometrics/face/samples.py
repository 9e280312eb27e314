"""Test faces that installed packages ship, and generated variations of them.

No real person's biometrics live in this repository: the faces are sample images that
scikit-image ("astronaut", a NASA portrait in the public domain) and matplotlib
("grace_hopper.jpg", a US Navy portrait in the public domain; matplotlib is a dev
dependency) install. Variations imitate what happens at a counter: another camera angle
(rotation), light, focus, framing and JPEG compression.
"""

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

Array = np.ndarray[Any, np.dtype[np.uint8]]


@dataclass(frozen=True)
class Variation:
    """A generated photo of a person: ``expect`` are the reason codes it should get
    (empty for a photo good enough to enrol)."""

    person: str
    name: str
    image: bytes
    expect: frozenset[str]


def astronaut() -> Array:
    from skimage import data

    return np.ascontiguousarray(data.astronaut()[..., :3])


def grace_hopper() -> Array | None:
    """matplotlib's sample portrait, or None when matplotlib is not installed."""
    try:
        import matplotlib
    except ImportError:
        return None
    path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    with Image.open(path) as image:
        return np.ascontiguousarray(np.asarray(image.convert("RGB")))


def no_face() -> Array:
    """A cup of coffee: a photo with no face at all."""
    from skimage import data

    return np.ascontiguousarray(data.coffee()[..., :3])


def people() -> dict[str, Array]:
    """The base portraits available in this environment, by name."""
    found = {"astronaut": astronaut()}
    hopper = grace_hopper()
    if hopper is not None:
        found["grace_hopper"] = hopper
    return found


def png(rgb: Array) -> bytes:
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, format="PNG")
    return out.getvalue()


def jpeg(rgb: Array, quality: int = 90) -> bytes:
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, format="JPEG", quality=quality)
    return out.getvalue()


def rotate(rgb: Array, degrees: float) -> Array:
    image = Image.fromarray(rgb)
    turned = image.rotate(degrees, resample=Image.Resampling.BICUBIC, fillcolor=(128, 128, 128))
    return np.asarray(turned)


def light(rgb: Array, factor: float) -> Array:
    """Brightness times ``factor`` (under 1: a dim room; over 1: a flash)."""
    return np.asarray(ImageEnhance.Brightness(Image.fromarray(rgb)).enhance(factor))


def blur(rgb: Array, radius: float) -> Array:
    return np.asarray(Image.fromarray(rgb).filter(ImageFilter.GaussianBlur(radius)))


def scale(rgb: Array, factor: float) -> Array:
    image = Image.fromarray(rgb)
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    return np.asarray(image.resize(size, Image.Resampling.LANCZOS))


def crop(rgb: Array, left: float, top: float, right: float, bottom: float) -> Array:
    """Keep the given fractions of the frame (0..1 from the left / top)."""
    h, w = rgb.shape[:2]
    return np.ascontiguousarray(rgb[int(top * h) : int(bottom * h), int(left * w) : int(right * w)])


def noise(rgb: Array, sigma: float, seed: int = 0) -> Array:
    grain = np.random.default_rng(seed).normal(0, sigma, rgb.shape)
    return np.clip(rgb.astype(np.float32) + grain, 0, 255).astype(np.uint8)


def mirror(rgb: Array) -> Array:
    return np.ascontiguousarray(rgb[:, ::-1])


# name -> (transformation, expected reasons). Good variations must stay within
# MATCH_DISTANCE of each other; the others must be refused for the stated reason.
GOOD: dict[str, Any] = {
    "original": png,
    "jpeg_q25": lambda a: jpeg(a, 25),
    "jpeg_q60": lambda a: jpeg(a, 60),
    "rotated_+3": lambda a: png(rotate(a, 3)),
    "rotated_-3": lambda a: png(rotate(a, -3)),
    "dim_0.7": lambda a: png(light(a, 0.7)),
    "bright_1.3": lambda a: png(light(a, 1.3)),
    "soft_focus_0.8": lambda a: png(blur(a, 0.8)),
    "grain_8": lambda a: png(noise(a, 8)),
    "larger_1.6": lambda a: jpeg(scale(a, 1.6), 85),
    "smaller_0.8": lambda a: png(scale(a, 0.8)),
    "tight_crop": lambda a: png(crop(a, 0.2, 0.05, 0.8, 0.7)),
    "mirrored": lambda a: png(mirror(a)),
}
BAD: dict[str, tuple[Any, frozenset[str]]] = {
    "rotated_+20": (lambda a: png(rotate(a, 20)), frozenset({"eyes_not_level"})),
    "rotated_-18": (lambda a: png(rotate(a, -18)), frozenset({"eyes_not_level"})),
    "dark_0.25": (lambda a: png(light(a, 0.25)), frozenset({"too_dark"})),
    "blurred_3": (lambda a: png(blur(a, 3.0)), frozenset({"blurred"})),
}


def variations(person: str, rgb: Array, *, bad: bool = True) -> Iterator[Variation]:
    """The generated photos of one person: the good ones, then (``bad``) the refused."""
    for name, make in GOOD.items():
        yield Variation(person, name, make(rgb), frozenset())
    if bad:
        for name, (make, expect) in BAD.items():
            yield Variation(person, name, make(rgb), expect)


def too_small(rgb: Array, eye_distance_px: float, target_px: float = 20.0) -> bytes:
    """The photo shrunk so that the eyes are about ``target_px`` apart."""
    return png(scale(rgb, target_px / eye_distance_px))


def two_faces(large: Array, small: Array, ratio: float = 0.5) -> bytes:
    """``large`` and, beside it, ``small`` shrunk to ``ratio`` of its height: two people,
    the first one nearer the camera."""
    inset = Image.fromarray(scale(small, ratio * large.shape[0] / small.shape[0]))
    height, width = large.shape[:2]
    canvas = Image.new("RGB", (width + inset.width, height), (128, 128, 128))
    canvas.paste(Image.fromarray(large), (0, 0))
    canvas.paste(inset, (width, 0))
    return png(np.asarray(canvas))


def tiny() -> bytes:
    """A 24x24 crop of a face: too small for any detector."""
    return png(scale(astronaut()[60:180, 170:270], 0.2))
