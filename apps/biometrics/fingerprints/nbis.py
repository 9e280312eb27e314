"""NIST's NBIS through nbis-py: MINDTCT minutiae and NFIQ 2 quality.

`extract` and `nfiq2` take the officer's upload (PNG or JPEG bytes, any mode PIL reads)
or a grey uint8 array; images are taken as 500 dpi unless the file records another
resolution, in which case they are resampled to 500 dpi first (MINDTCT and NFIQ 2 are
calibrated for 500 dpi). WSQ is not read: neither nbis-py 0.1.3 nor Pillow decodes it,
so a WSQ upload raises ImageUnreadable like any other unreadable file.

Minutiae with a MINDTCT reliability under MIN_RELIABILITY are dropped: on our images
they are almost all on the print's border or in noise, and Bozorth3 works better
without them.
"""

import io
import struct
import threading
from dataclasses import dataclass

import nbis as _nbis
import numpy as np
from PIL import Image, UnidentifiedImageError

from apps.biometrics.fingerprints.template import (
    BIFURCATION,
    RIDGE_ENDING,
    FingerTemplate,
    Minutia,
)

MIN_RELIABILITY = 0.2
DPI = 500
MAX_PIXELS = 4000 * 4000
MAX_MINUTIAE = 255
_local = threading.local()


class ImageUnreadable(ValueError):
    """The upload is not an image we can read (or not a fingerprint MINDTCT can use)."""


@dataclass(frozen=True)
class FingerAnalysis:
    """One pass over an image: its template and its NFIQ 2 score (0..100)."""

    template: FingerTemplate
    nfiq2: int


def _extractor(*, with_nfiq2: bool) -> _nbis.NbisExtractor:
    key = "nfiq2" if with_nfiq2 else "plain"
    ex = getattr(_local, key, None)
    if ex is None:
        settings = _nbis.NbisExtractorSettings(
            min_quality=MIN_RELIABILITY,
            get_center=False,
            check_fingerprint=False,
            compute_nfiq2=with_nfiq2,
            ppi=float(DPI),
        )
        ex = _nbis.new_nbis_extractor(settings)
        setattr(_local, key, ex)
    return ex


def grey_image(image: bytes | np.ndarray) -> np.ndarray:
    """The upload as a 500 dpi grey uint8 array (ImageUnreadable if it is not an image)."""
    if isinstance(image, np.ndarray):
        arr = np.asarray(image)
        if arr.ndim == 3 and arr.shape[2] in (3, 4):
            arr = np.asarray(Image.fromarray(arr.astype(np.uint8)).convert("L"))
        if arr.ndim != 2 or arr.size == 0:
            raise ImageUnreadable("expected a grey image (a 2-D array)")
        if arr.dtype != np.uint8:
            arr = np.clip(arr, 0, 255).astype(np.uint8)
        return arr
    try:
        with Image.open(io.BytesIO(image)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise ImageUnreadable("image too large for a fingerprint")
            dpi = img.info.get("dpi", (DPI, DPI))[0] or DPI
            grey = img.convert("L")
            if abs(float(dpi) - DPI) > 25 and 100 <= float(dpi) <= 2000:
                factor = DPI / float(dpi)
                size = (max(1, round(grey.width * factor)), max(1, round(grey.height * factor)))
                grey = grey.resize(size, Image.Resampling.LANCZOS)
            return np.asarray(grey, dtype=np.uint8)
    except (UnidentifiedImageError, OSError, struct.error, Image.DecompressionBombError) as e:
        raise ImageUnreadable("not a readable PNG or JPEG image") from e


def _png(arr: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(arr, mode="L").save(out, format="PNG", compress_level=1)
    return out.getvalue()


def _run(arr: np.ndarray, *, with_nfiq2: bool) -> _nbis.Minutiae:
    if min(arr.shape) < 64:
        raise ImageUnreadable("image too small for a fingerprint (at least 64x64 pixels)")
    try:
        return _extractor(with_nfiq2=with_nfiq2).extract_minutiae(_png(arr))
    except _nbis.NbisError as e:
        raise ImageUnreadable(f"MINDTCT could not process the image ({type(e).__name__})") from e


def _template(found: _nbis.Minutiae, arr: np.ndarray, quality: int) -> FingerTemplate:
    height, width = arr.shape
    rows = []
    for m in found.get():
        kind = BIFURCATION if m.kind() == _nbis.MinutiaKind.BIFURCATION else RIDGE_ENDING
        angle = round(m.angle() * 256.0 / 360.0) % 256
        q = int(np.clip(round(m.reliability() * 100), 0, 100))
        x, y = min(max(m.x(), 0), width - 1), min(max(m.y(), 0), height - 1)
        rows.append(Minutia(x, y, angle, kind, q))
    if len(rows) > MAX_MINUTIAE:  # an ISO finger view holds 255; keep the most reliable
        rows = sorted(rows, key=lambda m: -m.quality)[:MAX_MINUTIAE]
        rows.sort(key=lambda m: (m.x, m.y))
    return FingerTemplate(tuple(rows), width, height, DPI, quality)


def extract(image: bytes | np.ndarray) -> FingerTemplate:
    """MINDTCT's minutiae of one finger image (ImageUnreadable if it is not an image)."""
    arr = grey_image(image)
    return _template(_run(arr, with_nfiq2=False), arr, 0)


def nfiq2(image: bytes | np.ndarray) -> int:
    """NIST's NFIQ 2 quality score of one finger image, 0 (worst) .. 100 (best)."""
    arr = grey_image(image)
    return int(_run(arr, with_nfiq2=True).quality().score)


def analyse(image: bytes | np.ndarray) -> FingerAnalysis:
    """`extract` and `nfiq2` in one pass (the template's `quality` is the NFIQ 2 score)."""
    arr = grey_image(image)
    found = _run(arr, with_nfiq2=True)
    score = int(found.quality().score)
    return FingerAnalysis(_template(found, arr, score), score)


def nbis_record(t: FingerTemplate) -> bytes:
    """`t` in the record layout nbis-py 0.1.3 reads and writes.

    nbis-py's `to_iso_19794_2_2005` writes, and `load_iso_19794_2_2005` reads, a
    shortened header (no view/impression and finger quality bytes, a finger-view count
    of 0, no extended-data length), so it cannot read a conformant record: the matcher
    hands it this layout instead. Our own `iso.to_iso` writes the standard one.
    """
    rows = np.array([tuple(m) for m in t.minutiae], dtype=np.int64).reshape(-1, 5)
    # Minutia is (x, y, angle, kind, quality), the same columns as iso.record_rows.
    return nbis_layout(t.width, t.height, rows)


def nbis_layout(width: int, height: int, rows: np.ndarray) -> bytes:
    """nbis-py's record layout of (n, 5) rows x, y, angle, kind, quality."""
    r = np.asarray(rows, dtype=np.int64)[:MAX_MINUTIAE]
    body = np.empty((len(r), 6), dtype=np.uint8)
    tx = (r[:, 3] << 14) | r[:, 0]
    body[:, 0], body[:, 1] = tx >> 8, tx & 0xFF
    body[:, 2], body[:, 3] = r[:, 1] >> 8, r[:, 1] & 0xFF
    body[:, 4], body[:, 5] = r[:, 2], r[:, 4]
    head = struct.pack(
        ">4s4sIHHHHHBBBB",
        b"FMR\x00",
        b" 20\x00",
        26 + body.size,
        0,
        width,
        height,
        0,
        0,
        0,
        0,
        0,
        len(r),
    )
    return head + body.tobytes()


def load_layout(layout: bytes) -> _nbis.Minutiae:
    """An nbis-py Minutiae object from `nbis_layout` bytes."""
    return _extractor(with_nfiq2=False).load_iso_19794_2_2005(layout)


def load(t: FingerTemplate) -> _nbis.Minutiae:
    """`t` as nbis-py's Minutiae object (what Bozorth3 compares)."""
    return _extractor(with_nfiq2=False).load_iso_19794_2_2005(nbis_record(t))
