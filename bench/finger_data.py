"""Synthetic fingerprint data for the fingerprint benchmarks, cached under var/bench/.

For each master finger (seeds 100000 + i) it renders `impressions` impressions, runs
MINDTCT alone (timed), then MINDTCT with NFIQ 2 (timed: the difference is NFIQ 2's
share), and keeps the ISO record, the NFIQ 2 score and the timings. Rendering a master
takes about a second, so results are cached by (masters, impressions) and reused.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = ROOT / "var" / "bench"
SEED0 = 100_000

from apps.biometrics.fingerprints import iso, nbis, synthetic  # noqa: E402
from apps.biometrics.fingerprints.template import FingerTemplate  # noqa: E402


@dataclass(frozen=True)
class Capture:
    master: int
    impression: int
    template: FingerTemplate
    nfiq2: int
    mindtct_s: float
    with_nfiq2_s: float


def _render(args: tuple[int, int]) -> list[dict[str, object]]:
    master_index, impressions = args
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    master = synthetic.master_finger(SEED0 + master_index)
    out = []
    for k in range(impressions):
        png = synthetic.png_bytes(synthetic.impression(master, k))
        t0 = time.perf_counter()
        nbis.extract(png)
        t1 = time.perf_counter()
        analysis = nbis.analyse(png)
        t2 = time.perf_counter()
        out.append(
            {
                "master": master_index,
                "impression": k,
                "iso": iso.to_iso(analysis.template).hex(),
                "nfiq2": analysis.nfiq2,
                "mindtct_s": t1 - t0,
                "with_nfiq2_s": t2 - t1,
            }
        )
    synthetic.master_finger.cache_clear()
    return out


def captures(masters: int, impressions: int, workers: int) -> list[list[Capture]]:
    """captures[m][k]: impression k of master m (rendered, or read from the cache)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"fingers-{masters}x{impressions}.json"
    if path.exists():
        rows = json.loads(path.read_text())
    else:
        print(
            f"rendering {masters} master fingers x {impressions} impressions "
            f"({workers} processes; cached in {path.relative_to(ROOT)})",
            flush=True,
        )
        t0 = time.perf_counter()
        with mp.get_context("spawn").Pool(workers) as pool:
            rows = []
            for i, chunk in enumerate(
                pool.imap(_render, [(m, impressions) for m in range(masters)]), start=1
            ):
                rows.extend(chunk)
                if i % 10 == 0:
                    print(f"  {i}/{masters} masters, {time.perf_counter() - t0:.0f} s", flush=True)
        path.write_text(json.dumps(rows))
    grid: list[list[Capture]] = [[] for _ in range(masters)]
    for r in rows:
        grid[int(r["master"])].append(
            Capture(
                int(r["master"]),
                int(r["impression"]),
                iso.from_iso(bytes.fromhex(str(r["iso"]))),
                int(r["nfiq2"]),
                float(r["mindtct_s"]),
                float(r["with_nfiq2_s"]),
            )
        )
    return grid


def enrolment_cpu_times(masters: int = 2, impressions: int = 3) -> list[tuple[float, float]]:
    """(MINDTCT, NFIQ 2) CPU seconds per image for a few freshly rendered impressions.

    CPU time of this process, so other programs on a shared machine do not count; NFIQ 2
    is the extra time of MINDTCT + NFIQ 2 (nbis-py computes both in one call).
    """
    out = []
    for m in range(masters):
        master = synthetic.master_finger(SEED0 + 10_000 + m)
        for k in range(impressions):
            png = synthetic.png_bytes(synthetic.impression(master, k))
            t0 = time.process_time()
            nbis.extract(png)
            t1 = time.process_time()
            nbis.analyse(png)
            t2 = time.process_time()
            out.append((t1 - t0, max(0.0, (t2 - t1) - (t1 - t0))))
    return out


def percentiles(values: list[float], ps: tuple[int, ...] = (5, 50, 95)) -> str:
    import numpy as np

    if not values:
        return "-"
    return " / ".join(f"{np.percentile(values, p):.3g}" for p in ps)
