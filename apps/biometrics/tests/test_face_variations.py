"""Generated variations of the sample portraits (samples.py): the good ones stay the same
person and different people stay apart; rotated, dark and blurred photos are refused
with the right reason."""

import itertools

import pytest

from apps.biometrics.face import pipeline, samples
from apps.biometrics.face.pipeline import MATCH_DISTANCE, FaceResult, analyse_face

Analysed = dict[tuple[str, str], tuple[samples.Variation, FaceResult]]


@pytest.fixture(scope="module")
def analysed() -> Analysed:
    people = samples.people()
    if len(people) < 2:
        pytest.skip("matplotlib (a dev dependency) ships the second sample portrait")
    return {
        (v.person, v.name): (v, analyse_face(v.image))
        for person, rgb in people.items()
        for v in samples.variations(person, rgb)
    }


def test_every_variation_gets_exactly_the_expected_reasons(analysed: Analysed) -> None:
    wrong = {
        key: (sorted(variation.expect), result.quality.reasons, result.quality.measures)
        for key, (variation, result) in analysed.items()
        if set(result.quality.reasons) != variation.expect
    }
    assert not wrong


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("rotated_+20", "eyes_not_level"),
        ("rotated_-18", "eyes_not_level"),
        ("dark_0.25", "too_dark"),
        ("blurred_3", "blurred"),
    ],
)
def test_a_bad_photo_is_refused_for_its_reason(analysed: Analysed, name: str, reason: str) -> None:
    for person in ("astronaut", "grace_hopper"):
        result = analysed[(person, name)][1]
        assert result.quality.ok is False
        assert reason in result.quality.reasons
        # The face was still found: the officer sees why, not "no face".
        assert result.embedding is not None


def test_good_variations_of_one_person_match_each_other(analysed: Analysed) -> None:
    for person in ("astronaut", "grace_hopper"):
        good = [r for (p, _), (v, r) in analysed.items() if p == person and not v.expect]
        assert len(good) == len(samples.GOOD)
        for a, b in itertools.combinations(good, 2):
            assert a.embedding is not None
            assert b.embedding is not None
            assert pipeline.distance(a.embedding, b.embedding) < MATCH_DISTANCE


def test_even_refused_photos_of_one_person_match_the_original(analysed: Analysed) -> None:
    for person in ("astronaut", "grace_hopper"):
        original = analysed[(person, "original")][1].embedding
        for (p, _), (_v, result) in analysed.items():
            if p == person:
                assert result.embedding is not None
                assert original is not None
                assert pipeline.distance(result.embedding, original) < MATCH_DISTANCE


def test_different_people_do_not_match(analysed: Analysed) -> None:
    astronaut = [r for (p, _), (v, r) in analysed.items() if p == "astronaut" and not v.expect]
    hopper = [r for (p, _), (v, r) in analysed.items() if p == "grace_hopper" and not v.expect]
    for a, b in itertools.product(astronaut, hopper):
        assert a.embedding is not None
        assert b.embedding is not None
        assert pipeline.distance(a.embedding, b.embedding) > MATCH_DISTANCE
