"""Bozorth3 matching: NIST's own C code, through nbis-py.

nbis-py 0.1.3 exposes NBIS's Bozorth3 as `Minutiae.compare`, so this module does not
re-implement it: it hands both templates to NBIS in the record layout nbis-py reads
(`nbis.nbis_record`) and returns NBIS's score, which grows with the number of mutually
compatible minutia pairs; NIST's guidance is that a score above 40 indicates a match.

Like `bozorth3 -n`, each template is first cut to its MATCH_MINUTIAE most reliable
minutiae: Bozorth3's time grows about as the fourth power of the minutiae count (0.16 ms
at 40, 0.5 ms at 50, 2 ms at 70 on our machine) while the scores of true matches stay
far above the threshold (see docs/benchmarks.md, "Fingerprint de-duplication").

NBIS's C code keeps static state between calls, so the same pair can score a point
apart depending on what was compared before (we saw 234 then 235): compare scores with
a threshold, never for equality.
"""

from dataclasses import dataclass

import nbis as _nbis
import numpy as np

from apps.biometrics.fingerprints import iso, nbis
from apps.biometrics.fingerprints.template import FingerTemplate

MATCH_SCORE = 40
MATCH_MINUTIAE = 40


def template_rows(t: FingerTemplate) -> np.ndarray:
    """(n, 5) int64 rows x, y, angle, kind, quality (the columns of iso.record_rows)."""
    return np.array([tuple(m) for m in t.minutiae], dtype=np.int64).reshape(-1, 5)


def best_rows(rows: np.ndarray, limit: int = MATCH_MINUTIAE) -> np.ndarray:
    """The `limit` most reliable rows (ties: the original order), in the original order."""
    if len(rows) <= limit:
        return rows
    order = np.argsort(-rows[:, 4], kind="stable")[:limit]
    return rows[np.sort(order)]


def best_minutiae(t: FingerTemplate, limit: int = MATCH_MINUTIAE) -> FingerTemplate:
    """`t` with only its `limit` most reliable minutiae (ties: the original order)."""
    if len(t.minutiae) <= limit:
        return t
    order = np.argsort([-m.quality for m in t.minutiae], kind="stable")[:limit]
    kept = tuple(t.minutiae[i] for i in sorted(order))
    return FingerTemplate(
        kept, t.width, t.height, t.dpi, t.quality, t.finger_position, t.impression_type
    )


@dataclass(frozen=True)
class Prepared:
    """A template loaded into NBIS once, for comparing it with many others."""

    minutiae: _nbis.Minutiae | None  # None when the template has no minutiae
    count: int


def _prepare_rows(width: int, height: int, rows: np.ndarray) -> Prepared:
    best = best_rows(rows)
    if not len(best):
        return Prepared(None, 0)
    return Prepared(nbis.load_layout(nbis.nbis_layout(width, height, best)), len(best))


def prepare(t: FingerTemplate) -> Prepared:
    return _prepare_rows(t.width, t.height, template_rows(t))


def prepare_record(record: bytes) -> Prepared:
    """`prepare` of a record `iso.to_iso` wrote, without building a FingerTemplate."""
    width, height = iso.record_size(record)
    return _prepare_rows(width, height, iso.record_rows(record))


def compare(probe: Prepared, gallery: Prepared) -> int:
    """Bozorth3 score of two prepared templates."""
    if probe.minutiae is None or gallery.minutiae is None:
        return 0
    return int(probe.minutiae.compare(gallery.minutiae))


def bozorth3(probe: FingerTemplate, gallery: FingerTemplate) -> int:
    """Bozorth3 similarity of two templates (0 = unrelated; >= MATCH_SCORE = same finger)."""
    return compare(prepare(probe), prepare(gallery))


def is_match(score: int, threshold: int = MATCH_SCORE) -> bool:
    return score >= threshold
