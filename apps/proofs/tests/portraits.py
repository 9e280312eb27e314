"""A stand-in for the biometrics app's portrait reader in these tests: the same
signature as apps.biometrics.access.read_portrait, with a face from scikit-image's
sample data (the astronaut Eileen Collins, public domain), so that proofs can be tested
without enrolling anyone through the biometrics app."""

import io
from functools import cache
from typing import Any

from PIL import Image
from skimage import data


@cache
def astronaut_jpeg() -> bytes:
    face = Image.fromarray(data.astronaut()).crop((150, 20, 310, 220))
    out = io.BytesIO()
    face.save(out, format="JPEG", quality=90)
    return out.getvalue()


def read_portrait(actor: Any, person: Any, *, purpose: str) -> bytes | None:
    return astronaut_jpeg()


def no_portrait(actor: Any, person: Any, *, purpose: str) -> bytes | None:
    return None
