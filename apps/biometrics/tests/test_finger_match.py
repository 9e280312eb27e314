"""Bozorth3 (NBIS's, through nbis-py): two impressions of Amal's finger match, Amal's
and Bola's fingers do not."""

import pytest

from apps.biometrics.fingerprints import match, nbis, synthetic
from apps.biometrics.fingerprints.template import FingerTemplate


@pytest.fixture(scope="module")
def prints() -> dict[str, FingerTemplate]:
    amal, bola = synthetic.master_finger(11), synthetic.master_finger(12)
    return {
        "amal1": nbis.extract(synthetic.impression(amal, 1)),
        "amal2": nbis.extract(synthetic.impression(amal, 2)),
        "bola1": nbis.extract(synthetic.impression(bola, 1)),
    }


def test_two_impressions_of_one_finger_match(prints: dict[str, FingerTemplate]) -> None:
    score = match.bozorth3(prints["amal1"], prints["amal2"])
    assert match.is_match(score)
    assert score > 2 * match.MATCH_SCORE


def test_different_fingers_do_not_match(prints: dict[str, FingerTemplate]) -> None:
    genuine = match.bozorth3(prints["amal1"], prints["amal2"])
    impostor = match.bozorth3(prints["amal1"], prints["bola1"])
    assert impostor < genuine / 3


def test_matching_is_symmetric_enough(prints: dict[str, FingerTemplate]) -> None:
    ab = match.bozorth3(prints["amal1"], prints["amal2"])
    ba = match.bozorth3(prints["amal2"], prints["amal1"])
    assert abs(ab - ba) <= 0.1 * max(ab, ba)


def test_an_empty_template_matches_nothing(prints: dict[str, FingerTemplate]) -> None:
    empty = FingerTemplate((), 400, 480)
    assert match.bozorth3(empty, prints["amal1"]) == 0


def test_only_the_most_reliable_minutiae_are_compared(prints: dict[str, FingerTemplate]) -> None:
    t = prints["amal1"]
    best = match.best_minutiae(t, 10)
    assert len(best.minutiae) == min(10, len(t.minutiae))
    cutoff = sorted((m.quality for m in t.minutiae), reverse=True)[len(best.minutiae) - 1]
    assert all(m.quality >= cutoff for m in best.minutiae)


def test_prepared_records_score_like_templates(prints: dict[str, FingerTemplate]) -> None:
    from apps.biometrics.fingerprints import iso

    direct = match.bozorth3(prints["amal2"], prints["amal1"])
    via_record = match.compare(
        match.prepare(prints["amal2"]), match.prepare_record(iso.to_iso(prints["amal1"]))
    )
    assert abs(via_record - direct) <= 2  # NBIS's static state: see match.py
