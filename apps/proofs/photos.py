"""The person's portrait for a printed card or a QR thumbnail.

The portrait comes from the biometrics app (`read_portrait`, which logs the read); the
setting PROOF_PORTRAIT_READER may name another function with the same signature. When
the function is missing or there is no portrait, proofs go without a photo: the card
then says the photo is on file at the registry.
"""

import hashlib
import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.module_loading import import_string
from PIL import Image, ImageOps

if TYPE_CHECKING:
    from apps.registrations.models import Person

DEFAULT_READER = "apps.biometrics.access.read_portrait"
THUMBNAIL_SIZE = (48, 60)  # width, height: enough to compare a face, small for a QR
THUMBNAIL_QUALITY = 45

Reader = Callable[..., bytes | None]


def _reader() -> Reader | None:
    try:
        reader: Reader = import_string(getattr(settings, "PROOF_PORTRAIT_READER", DEFAULT_READER))
    except ImportError:
        return None
    return reader


def read_portrait(actor: Any, person: "Person", *, purpose: str) -> bytes | None:
    """The person's portrait (JPEG), or None when there is none or no reader."""
    reader = _reader()
    return reader(actor, person, purpose=purpose) if reader else None


def thumbnail(portrait: bytes) -> bytes:
    """A small greyscale JPEG of the face, the same bytes for the same portrait."""
    with Image.open(io.BytesIO(portrait)) as image:
        face = ImageOps.fit(ImageOps.grayscale(image), THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    face.save(out, format="JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return out.getvalue()


def digest(data: bytes | None) -> str:
    return hashlib.sha256(data).hexdigest() if data else ""
