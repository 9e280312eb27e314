"""The face pipeline on the sample portraits: one face found, the largest one, aligned,
embedded and cut out as a portrait; no face in a cup of coffee or a thumbnail."""

import io

import numpy as np
import pytest
from PIL import Image

from apps.biometrics.face import pipeline, samples
from apps.biometrics.face.pipeline import MATCH_DISTANCE, FaceResult, analyse_face


@pytest.fixture(scope="module")
def astronaut() -> FaceResult:
    return analyse_face(samples.png(samples.astronaut()))


@pytest.fixture(scope="module")
def hopper() -> FaceResult:
    rgb = samples.grace_hopper()
    if rgb is None:
        pytest.skip("matplotlib (a dev dependency) ships the second sample portrait")
    return analyse_face(samples.png(rgb))


def test_the_astronaut_is_found_and_good_enough_to_enrol(astronaut: FaceResult) -> None:
    assert astronaut.quality.ok, astronaut.quality
    assert astronaut.quality.reasons == ()
    assert astronaut.embedding is not None
    assert astronaut.embedding.dtype == np.float32
    assert astronaut.embedding.shape == (128,)
    # Her face, not the mission badge on her suit that the detector also sees.
    assert astronaut.box is not None
    assert 150 < astronaut.box.left < 200
    assert 60 < astronaut.box.top < 100
    assert astronaut.quality.measures["eye_distance_px"] > 40


def test_the_portrait_is_an_aligned_jpeg_chip(astronaut: FaceResult) -> None:
    assert astronaut.portrait_jpeg is not None
    assert astronaut.portrait_jpeg[:3] == b"\xff\xd8\xff"
    with Image.open(io.BytesIO(astronaut.portrait_jpeg)) as image:
        assert image.format == "JPEG"
        assert image.size == (pipeline.PORTRAIT_SIZE, pipeline.PORTRAIT_SIZE)
        assert 150 <= image.width <= 300
    # The chip is of the same person: its own embedding matches.
    again = analyse_face(astronaut.portrait_jpeg)
    assert again.embedding is not None
    assert pipeline.distance(again.embedding, astronaut.embedding) < MATCH_DISTANCE


def test_jpeg_and_png_give_the_same_person(astronaut: FaceResult) -> None:
    as_jpeg = analyse_face(samples.jpeg(samples.astronaut(), 90))
    assert as_jpeg.embedding is not None
    assert astronaut.embedding is not None
    assert pipeline.distance(as_jpeg.embedding, astronaut.embedding) < 0.1


def test_the_largest_face_wins(astronaut: FaceResult, hopper: FaceResult) -> None:
    hopper_rgb, astronaut_rgb = samples.grace_hopper(), samples.astronaut()
    assert hopper_rgb is not None
    # Grace Hopper in front, the astronaut small in the corner: Grace Hopper is enrolled.
    result = analyse_face(samples.two_faces(hopper_rgb, astronaut_rgb, ratio=0.9))
    assert result.embedding is not None
    assert hopper.embedding is not None
    assert astronaut.embedding is not None
    assert result.quality.measures["faces"] >= 2
    assert pipeline.distance(result.embedding, hopper.embedding) < 0.3
    assert pipeline.distance(result.embedding, astronaut.embedding) > MATCH_DISTANCE
    # And the other way round.
    result = analyse_face(samples.two_faces(astronaut_rgb, hopper_rgb, ratio=0.35))
    assert result.embedding is not None
    assert result.quality.measures["faces"] >= 2
    assert pipeline.distance(result.embedding, astronaut.embedding) < 0.3


def test_a_cup_of_coffee_has_no_face() -> None:
    result = analyse_face(samples.png(samples.no_face()))
    assert result.quality.ok is False
    assert result.quality.reasons == ("no_face",)
    assert result.embedding is None
    assert result.box is None
    assert result.portrait_jpeg is None


def test_a_thumbnail_has_no_face() -> None:
    result = analyse_face(samples.tiny())
    assert result.quality.reasons == ("no_face",)
    assert result.embedding is None


def test_a_face_too_far_from_the_camera_is_too_small(astronaut: FaceResult) -> None:
    shrunk = samples.too_small(samples.astronaut(), astronaut.quality.measures["eye_distance_px"])
    result = analyse_face(shrunk)
    assert result.embedding is not None  # found, but not good enough to enrol
    assert "too_small" in result.quality.reasons
    assert result.quality.ok is False


def test_a_photo_taken_sideways_is_turned_upright_by_its_exif_tag(
    astronaut: FaceResult,
) -> None:
    # A camera held sideways stores the pixels turned and says so in EXIF (orientation 6).
    turned = Image.fromarray(samples.astronaut()).rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    turned.save(out, format="JPEG", quality=92, exif=exif)
    result = analyse_face(out.getvalue())
    assert result.quality.ok, result.quality
    assert result.embedding is not None
    assert astronaut.embedding is not None
    assert pipeline.distance(result.embedding, astronaut.embedding) < 0.2


def test_big_photos_are_searched_at_a_reduced_size(astronaut: FaceResult) -> None:
    big = samples.scale(samples.astronaut(), 4.0)  # 2048 px: detection runs at 1024
    result = analyse_face(samples.jpeg(big, 90))
    assert result.box is not None
    assert astronaut.box is not None
    assert abs(result.box.left - 4 * astronaut.box.left) < 40
    assert result.embedding is not None
    assert astronaut.embedding is not None
    assert pipeline.distance(result.embedding, astronaut.embedding) < 0.25


def test_every_step_is_timed(astronaut: FaceResult) -> None:
    assert set(astronaut.timings_ms) >= {"decode", "detection", "alignment", "embedding"}


def test_the_models_are_loaded_once() -> None:
    pipeline.load_models()
    first = pipeline._Models.get()
    analyse_face(samples.tiny())
    assert pipeline._Models.get() is first
