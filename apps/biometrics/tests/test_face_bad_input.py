"""Anything but a readable PNG or JPEG is refused with ImageUnreadable, never a crash."""

import io

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from apps.biometrics.face import pipeline, samples
from apps.biometrics.face.pipeline import FaceResult, ImageUnreadable, analyse_face


def encoded(fmt: str, size: tuple[int, int] = (64, 64), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    colour = (200, 150, 100, 255)[: len(Image.new(mode, (1, 1)).getbands())]
    Image.new(mode, size, colour[0] if len(colour) == 1 else colour).save(out, format=fmt)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello, I am a photo",
        b"%PDF-1.7\n...",
        encoded("GIF"),
        encoded("BMP"),
        encoded("TIFF"),
        encoded("WEBP"),
        samples.png(samples.astronaut())[:2000],  # truncated PNG
        samples.jpeg(samples.astronaut())[:1500],  # truncated JPEG
    ],
    ids=["empty", "text", "pdf", "gif", "bmp", "tiff", "webp", "cut-png", "cut-jpeg"],
)
def test_what_is_not_a_png_or_jpeg_is_refused(data: bytes) -> None:
    with pytest.raises(ImageUnreadable) as refused:
        analyse_face(data)
    assert "PNG or JPEG" in str(refused.value) or "decoded" in str(refused.value)
    assert isinstance(refused.value, ValueError)


def test_a_decompression_bomb_is_refused_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "MAX_PIXELS", 100 * 100)
    with pytest.raises(ImageUnreadable, match="smaller image"):
        analyse_face(encoded("PNG", (200, 200)))


@pytest.mark.parametrize("mode", ["L", "RGBA", "P", "I;16", "1", "CMYK"])
def test_any_png_or_jpeg_colour_mode_is_read(mode: str) -> None:
    fmt = "JPEG" if mode in {"L", "CMYK"} else "PNG"
    result = analyse_face(encoded(fmt, (80, 60), mode))
    assert result.quality.reasons == ("no_face",)


def test_a_grey_portrait_is_analysed() -> None:
    grey = np.asarray(Image.fromarray(samples.astronaut()).convert("L"))
    out = io.BytesIO()
    Image.fromarray(grey).save(out, format="PNG")
    result = analyse_face(out.getvalue())
    assert result.embedding is not None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_are_refused_or_analysed(data: bytes) -> None:
    try:
        result = analyse_face(data)
    except ImageUnreadable:
        return
    assert isinstance(result, FaceResult)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 4000), st.binary(min_size=1, max_size=8))
def test_corrupted_jpeg_bytes_never_crash(offset: int, junk: bytes) -> None:
    data = bytearray(SMALL_JPEG)
    position = offset % len(data)
    data[position : position + len(junk)] = junk
    try:
        result = analyse_face(bytes(data))
    except ImageUnreadable:
        return
    assert isinstance(result, FaceResult)


SMALL_JPEG = samples.jpeg(samples.scale(samples.astronaut(), 0.25), 80)
