"""MINDTCT and NFIQ 2 on synthetic fingers: Olu uploads PNG or JPEG prints of Amal's
(synthetic) fingers and gets plausible minutiae and a quality score per finger."""

import numpy as np
import pytest

from apps.biometrics.fingerprints import nbis, synthetic


@pytest.fixture(scope="module")
def print_image() -> np.ndarray:
    return synthetic.impression(synthetic.master_finger(7), 1)


def test_mindtct_finds_a_plausible_number_of_minutiae(print_image: np.ndarray) -> None:
    t = nbis.extract(synthetic.png_bytes(print_image))
    assert 20 <= len(t.minutiae) <= 120
    assert (t.width, t.height, t.dpi) == (synthetic.WIDTH, synthetic.HEIGHT, 500)
    assert all(0 <= m.x < t.width and 0 <= m.y < t.height for m in t.minutiae)
    assert {m.kind for m in t.minutiae} == {1, 2}
    assert min(m.quality for m in t.minutiae) >= 100 * nbis.MIN_RELIABILITY - 1


def test_png_jpeg_and_arrays_give_the_same_finger(print_image: np.ndarray) -> None:
    from apps.biometrics.fingerprints import match

    from_png = nbis.extract(synthetic.png_bytes(print_image))
    assert nbis.extract(print_image) == from_png
    from_jpeg = nbis.extract(synthetic.jpeg_bytes(print_image))
    assert match.bozorth3(from_png, from_jpeg) > 3 * match.MATCH_SCORE


def test_nfiq2_scores_a_good_print_as_usable(print_image: np.ndarray) -> None:
    score = nbis.nfiq2(synthetic.png_bytes(print_image))
    assert 30 <= score <= 100
    analysis = nbis.analyse(print_image)
    assert analysis.nfiq2 == score
    assert analysis.template.quality == score


def test_a_smudged_print_scores_lower(print_image: np.ndarray) -> None:
    blank = np.full_like(print_image, 200)
    blank[100:380, 100:300] = print_image[100:380, 100:300] // 4 + 150
    assert nbis.nfiq2(blank) < nbis.nfiq2(print_image)


WSQ_START = b"\xff\xa0\xff\xa8\x00\x0b"  # SOI and a comment marker: WSQ is not decoded


@pytest.mark.parametrize(
    "upload", [b"", b"not an image", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, WSQ_START + b"\x00" * 40]
)
def test_unreadable_uploads_raise_image_unreadable(upload: bytes) -> None:
    with pytest.raises(nbis.ImageUnreadable):
        nbis.extract(upload)
    with pytest.raises(ValueError, match="readable"):
        nbis.nfiq2(upload)


def test_tiny_images_are_refused() -> None:
    with pytest.raises(nbis.ImageUnreadable, match="too small"):
        nbis.extract(np.zeros((10, 10), dtype=np.uint8))


def test_a_1000_dpi_scan_is_resampled_to_500_dpi(print_image: np.ndarray) -> None:
    import io

    from PIL import Image

    big = Image.fromarray(print_image).resize((synthetic.WIDTH * 2, synthetic.HEIGHT * 2))
    out = io.BytesIO()
    big.save(out, format="PNG", dpi=(1000, 1000))
    t = nbis.extract(out.getvalue())
    assert (t.width, t.height) == (synthetic.WIDTH, synthetic.HEIGHT)
