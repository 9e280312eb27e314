"""Fingerprint quality benchmark: MINDTCT, NFIQ 2 and Bozorth3 on synthetic fingers.

M master fingers (default 100) x K impressions (default 3) from
apps/biometrics/fingerprints/synthetic.py. Reports minutiae counts, NFIQ 2 scores,
per-step timings, and the Bozorth3 score distributions of genuine pairs (two
impressions of one master, every pair) and impostor pairs (impression 0 of one master
against impression 1 of another, a random sample), with FMR and FNMR at
match.MATCH_SCORE and the equal error rate.

    .venv/bin/python bench/finger_quality.py [--masters 100] [--impressions 3]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from finger_data import captures, percentiles

from apps.biometrics.fingerprints import match


def error_rates(genuine: list[int], impostor: list[int], threshold: int) -> tuple[float, float]:
    """(FMR, FNMR) when a score >= threshold means 'same finger'."""
    fmr = float(np.mean(np.asarray(impostor) >= threshold)) if impostor else 0.0
    fnmr = float(np.mean(np.asarray(genuine) < threshold)) if genuine else 0.0
    return fmr, fnmr


def equal_error_rate(genuine: list[int], impostor: list[int]) -> tuple[float, int]:
    """(EER, threshold): the threshold where FMR and FNMR are closest, and their mean."""
    best = (2.0, 0, 0.0)
    for t in range(0, max(genuine + impostor) + 2):
        fmr, fnmr = error_rates(genuine, impostor, t)
        if abs(fmr - fnmr) < best[0]:
            best = (abs(fmr - fnmr), t, (fmr + fnmr) / 2)
    return best[2], best[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--masters", type=int, default=100)
    parser.add_argument("--impressions", type=int, default=3)
    parser.add_argument("--impostors", type=int, default=3000, help="impostor pairs sampled")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    grid = captures(args.masters, args.impressions, args.workers)
    flat = [c for row in grid for c in row]
    counts = [len(c.template.minutiae) for c in flat]
    scores = [c.nfiq2 for c in flat]
    prepared = [[match.prepare(c.template) for c in row] for row in grid]

    genuine, g_time = [], 0.0
    for row in prepared:
        for i in range(len(row)):
            for j in range(i + 1, len(row)):
                t0 = time.perf_counter()
                genuine.append(match.compare(row[j], row[i]))
                g_time += time.perf_counter() - t0
    rng = random.Random(5)
    impostor, i_time = [], 0.0
    for _ in range(args.impostors):
        a, b = rng.sample(range(args.masters), 2)
        t0 = time.perf_counter()
        impostor.append(match.compare(prepared[a][min(1, args.impressions - 1)], prepared[b][0]))
        i_time += time.perf_counter() - t0

    fmr, fnmr = error_rates(genuine, impostor, match.MATCH_SCORE)
    eer, eer_t = equal_error_rate(genuine, impostor)
    print(f"\n{args.masters} masters x {args.impressions} impressions = {len(flat)} images")
    print(
        f"minutiae per image (p5 / p50 / p95):   {percentiles(counts)}"
        f"   (min {min(counts)}, max {max(counts)})"
    )
    print(
        f"NFIQ 2 per image (p5 / p50 / p95):     {percentiles(scores)}"
        f"   (min {min(scores)}, max {max(scores)})"
    )
    print(
        "MINDTCT wall s per finger when rendered (p5 / p50 / p95): "
        f"{percentiles([c.mindtct_s for c in flat])}"
    )
    print(
        f"NFIQ 2 wall s per finger when rendered (p5 / p50 / p95):  "
        f"{percentiles([max(0.0, c.with_nfiq2_s - c.mindtct_s) for c in flat])}"
    )
    print(
        f"genuine scores ({len(genuine)} pairs, p1 / p5 / p50):  "
        f"{percentiles(genuine, (1, 5, 50))}   min {min(genuine)}"
    )
    print(
        f"impostor scores ({len(impostor)} pairs, p50 / p99 / p99.9): "
        f"{percentiles(impostor, (50, 99, 99.9))}   max {max(impostor)}"
    )
    print(
        f"Bozorth3 wall ms per comparison: genuine {1e3 * g_time / len(genuine):.2f}, "
        f"impostor {1e3 * i_time / len(impostor):.2f}"
    )
    print(f"at MATCH_SCORE = {match.MATCH_SCORE}: FMR {fmr:.4f}  FNMR {fnmr:.4f}")
    print(f"EER {eer:.4f} at threshold {eer_t}")
    for t in (30, 50, 60, 80):
        f, n = error_rates(genuine, impostor, t)
        print(f"  threshold {t}: FMR {f:.4f}  FNMR {n:.4f}")


if __name__ == "__main__":
    main()
