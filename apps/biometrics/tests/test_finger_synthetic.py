"""The synthetic fingerprint generator: deterministic, finger-shaped, and each master
is its own finger."""

import io

import numpy as np
from PIL import Image

from apps.biometrics.fingerprints import synthetic


def test_masters_and_impressions_are_deterministic() -> None:
    a = synthetic.impression(synthetic.master_finger(31), 4)
    synthetic.master_finger.cache_clear()
    b = synthetic.impression(synthetic.master_finger(31), 4)
    assert np.array_equal(a, b)
    assert a.dtype == np.uint8
    assert a.shape == (synthetic.HEIGHT, synthetic.WIDTH)


def test_impressions_differ_but_look_like_a_print() -> None:
    master = synthetic.master_finger(31)
    a, b = synthetic.impression(master, 1), synthetic.impression(master, 2)
    assert not np.array_equal(a, b)
    # Dark ridges on a light background, with real contrast in the middle.
    assert a[0:10, 0:10].mean() > 150
    centre = a[180:300, 140:260]
    assert centre.std() > 30


def test_ridges_follow_the_orientation_field() -> None:
    master = synthetic.master_finger(32)
    assert master.kind in {"left_loop", "right_loop", "whorl", "tented_arch", "arch"}
    assert not master.ridges.flags.writeable
    # Ridge spacing: the strongest frequency of a 64 px patch is one ridge per 7-12 px.
    patch = np.asarray(master.ridges[300:364, 168:232], dtype=np.float64)
    spectrum = np.abs(np.fft.fft2(patch - patch.mean()))
    fy, fx = np.unravel_index(np.argmax(spectrum), spectrum.shape)
    freq = np.hypot(min(fy, 64 - fy), min(fx, 64 - fx)) / 64
    assert 7 < 1 / freq < 12


def test_png_bytes_are_a_500_dpi_grey_png() -> None:
    data = synthetic.png_bytes(np.zeros((20, 30), dtype=np.uint8))
    img = Image.open(io.BytesIO(data))
    assert (img.format, img.mode, img.size) == ("PNG", "L", (30, 20))
    assert round(img.info["dpi"][0]) == 500
