"""From photograph bytes to one face: detection, quality, alignment, embedding, portrait.

``analyse_face(image_bytes)`` runs dlib's HOG frontal face detector, keeps the largest
face, finds the 5 landmarks (eye corners and nose), aligns the face on them into a
150 px chip, measures its quality and computes dlib's 128-d ResNet embedding. Two faces
are close to the same person when their embeddings are within ``MATCH_DISTANCE``
(euclidean). The models come from the ``face-recognition-models`` package and are loaded
once per process, on first use.
"""

import io
import threading
import time
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from apps.biometrics.face import quality
from apps.biometrics.face.quality import FaceQuality

MATCH_DISTANCE = 0.6  # dlib's threshold for its ResNet model (99.38 % on LFW)
EMBEDDING_DIM = 128

# Photographs are decoded at most this large (a 12 MP phone photo is allowed, a
# decompression bomb is not) and searched for faces at most DETECT_SIDE pixels wide.
MAX_PIXELS = 40_000_000
DETECT_SIDE = 1024
# dlib finds faces from 80 px at upsample 0 and from 40 px at upsample 1: upsample
# small pictures only, large ones would cost 4x for nothing.
UPSAMPLE_BELOW_SIDE = 700
DETECT_THRESHOLD = 0.0  # dlib's default; below it, the HOG detector sees faces in foliage
# A detection smaller than this share of the largest one's side is noise (a face in a
# poster behind, a pattern on clothes): it is ignored rather than counted as a face.
MIN_SIDE_RATIO = 0.35
SAME_SIZE_RATIO = 0.8
CHIP_SIZE = 150  # what dlib's ResNet expects
CHIP_PADDING = 0.25
PORTRAIT_SIZE = 240
PORTRAIT_PADDING = 0.6  # hair and chin, for the card
PORTRAIT_QUALITY = 88

_FORMATS = ("PNG", "JPEG")


class ImageUnreadable(ValueError):
    """The bytes are not a PNG or JPEG image that can be decoded."""


class Box(NamedTuple):
    """The detected face in the original image, pixel coordinates."""

    left: int
    top: int
    right: int
    bottom: int


@dataclass(frozen=True)
class FaceResult:
    """What the pipeline found. ``embedding`` and ``portrait_jpeg`` are present whenever
    a face was found, even when its quality is not good enough to enrol (the caller
    decides); they are None with the reason "no_face"."""

    embedding: np.ndarray[Any, np.dtype[np.float32]] | None
    quality: FaceQuality
    box: Box | None
    portrait_jpeg: bytes | None
    timings_ms: dict[str, float] = field(default_factory=dict, compare=False)


class _Models:
    """dlib's detector, 5-point shape predictor and ResNet, loaded once per process."""

    _lock = threading.Lock()
    _loaded: tuple[Any, Any, Any] | None = None

    @classmethod
    def get(cls) -> tuple[Any, Any, Any]:
        if cls._loaded is None:
            with cls._lock:
                if cls._loaded is None:
                    import dlib
                    import face_recognition_models as models

                    cls._loaded = (
                        dlib.get_frontal_face_detector(),
                        dlib.shape_predictor(models.pose_predictor_five_point_model_location()),
                        dlib.face_recognition_model_v1(models.face_recognition_model_location()),
                    )
        return cls._loaded


def load_models() -> None:
    """Load the dlib models now (e.g. when a worker starts) rather than on first use."""
    _Models.get()


def decode_image(data: bytes) -> np.ndarray[Any, np.dtype[np.uint8]]:
    """RGB uint8 array of a PNG or JPEG image, turned upright by its EXIF orientation.
    Raises ImageUnreadable for anything else, for truncated data and for images over
    MAX_PIXELS."""
    if not isinstance(data, bytes | bytearray | memoryview) or not data:
        raise ImageUnreadable("The photo is empty: upload a PNG or JPEG image.")
    try:
        with Image.open(io.BytesIO(data), formats=_FORMATS) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ImageUnreadable(
                    f"The photo has {width}x{height} pixels, more than {MAX_PIXELS}: "
                    "upload a smaller image."
                )
            image.load()
            upright = ImageOps.exif_transpose(image)
            rgb = upright.convert("RGB")
    except UnidentifiedImageError as error:
        raise ImageUnreadable("The photo is not a PNG or JPEG image.") from error
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        if isinstance(error, ImageUnreadable):
            raise
        raise ImageUnreadable("The photo could not be decoded: it may be truncated.") from error
    return np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8))


def detect(
    rgb: np.ndarray[Any, Any], threshold: float = DETECT_THRESHOLD
) -> list[tuple[Box, float]]:
    """Faces in the image, largest first, with dlib's detection scores; detections much
    smaller than the largest are dropped."""
    detector, _, _ = _Models.get()
    height, width = rgb.shape[:2]
    scale = min(1.0, DETECT_SIDE / max(height, width))
    small = rgb
    if scale < 1.0:
        resized = Image.fromarray(rgb).resize(
            (max(1, round(width * scale)), max(1, round(height * scale))), Image.Resampling.BILINEAR
        )
        small = np.ascontiguousarray(np.asarray(resized))
    upsample = 1 if max(small.shape[:2]) < UPSAMPLE_BELOW_SIDE else 0
    rects, scores, _ = detector.run(small, upsample, threshold)
    found = []
    for rect, score in zip(rects, scores, strict=True):
        box = Box(
            max(0, round(rect.left() / scale)),
            max(0, round(rect.top() / scale)),
            min(width, round(rect.right() / scale)),
            min(height, round(rect.bottom() / scale)),
        )
        if box.right > box.left and box.bottom > box.top:
            found.append((box, float(score)))
    if not found:
        return []
    largest = max(b.right - b.left for b, _ in found)

    def rank(item: tuple[Box, float]) -> tuple[bool, float]:
        # The largest face wins; among faces of about the same size (a badge on a
        # jacket can be as large as the face) the more face-like one does.
        side = item[0].right - item[0].left
        comparable = side >= SAME_SIZE_RATIO * largest
        return (comparable, item[1] if comparable else float(side))

    found.sort(key=rank, reverse=True)
    return [(b, s) for b, s in found if (b.right - b.left) >= MIN_SIDE_RATIO * largest]


def analyse_face(image: bytes) -> FaceResult:
    """Find the one face of a photograph and describe it. Raises ImageUnreadable when
    the bytes are not a readable PNG or JPEG; a readable image without a face gives a
    result whose quality has the reason "no_face"."""
    start = time.perf_counter()
    rgb = decode_image(image)
    return analyse_rgb(rgb, timings={"decode": _ms(start)})


def analyse_rgb(
    rgb: np.ndarray[Any, Any],
    *,
    threshold: float = DETECT_THRESHOLD,
    timings: dict[str, float] | None = None,
) -> FaceResult:
    """analyse_face on a decoded RGB uint8 image; a lower detection ``threshold`` than
    dlib's default is only for calibration on hard sample images (synthetic.py)."""
    import dlib

    timings = dict(timings or {})
    start = time.perf_counter()
    faces = detect(rgb, threshold)
    timings["detection"] = _ms(start)
    if not faces:
        return FaceResult(None, quality.no_face({"faces": 0.0}), None, None, timings)
    box, score = faces[0]

    _, predictor, resnet = _Models.get()
    start = time.perf_counter()
    shape = predictor(rgb, dlib.rectangle(box.left, box.top, box.right, box.bottom))
    points = [(float(p.x), float(p.y)) for p in shape.parts()]
    chip = np.asarray(dlib.get_face_chip(rgb, shape, size=CHIP_SIZE, padding=CHIP_PADDING))
    timings["alignment"] = _ms(start)

    start = time.perf_counter()
    descriptor = resnet.compute_face_descriptor(chip)
    embedding = np.asarray(descriptor, dtype=np.float32).reshape(EMBEDDING_DIM)
    timings["embedding"] = _ms(start)

    start = time.perf_counter()
    assessed = quality.assess(points, chip)
    measures = {**assessed.measures, "faces": float(len(faces)), "detection_score": round(score, 2)}
    assessed = FaceQuality(assessed.ok, assessed.reasons, measures)
    portrait = dlib.get_face_chip(rgb, shape, size=PORTRAIT_SIZE, padding=PORTRAIT_PADDING)
    timings["quality_portrait"] = _ms(start)
    return FaceResult(embedding, assessed, box, jpeg(np.asarray(portrait)), timings)


def distance(a: np.ndarray[Any, Any], b: np.ndarray[Any, Any]) -> float:
    """Euclidean distance between two embeddings (compare with MATCH_DISTANCE)."""
    return float(np.linalg.norm(np.asarray(a, np.float32) - np.asarray(b, np.float32)))


def jpeg(rgb: np.ndarray[Any, Any], quality_level: int = PORTRAIT_QUALITY) -> bytes:
    out = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb, dtype=np.uint8)).save(
        out, format="JPEG", quality=quality_level, optimize=True
    )
    return out.getvalue()


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)
