"""Fingerprint de-duplication benchmark: candidate index + Bozorth3 vs exhaustive Bozorth3.

Gallery (default 100,000 templates):
- impression 0 of M rendered synthetic master fingers (MINDTCT templates, see
  finger_data.py), ids 0..M-1: the people who come back;
- fillers from gallery.random_record (minutiae drawn from the same finger model, not
  rendered: see apps/biometrics/fingerprints/gallery.py), ids M.., made in W processes.

Probes: impression 1 of each master (its mate is gallery id m).
- index: FingerIndex.search(probe, k=1, shortlist) = pair-hash candidates, then Bozorth3
  on the shortlist; timed per probe, single process, once with NBIS's loaded templates
  cached from earlier probes (warm) and once with the cache emptied (cold);
- baseline: exhaustive Bozorth3 of a sample of S probes against every gallery template,
  the gallery split over W processes, each template loaded into NBIS once beforehand
  (not timed, as for the index). A probe's exhaustive time is the sum of its
  comparison time in every process, i.e. one core's time.

Times are CPU seconds of the measuring process (time.process_time), not wall time: the
machine is shared, and wall time would charge other programs' load to whichever side
happened to run during it. The "search" time includes the candidate stage. Per-step
enrolment timings (MINDTCT, NFIQ 2) are CPU times on a few freshly rendered prints.

Goal (issue 5): the index finds >= 0.98 of the exhaustive top-1 hits at >= 50x its speed.

    .venv/bin/python bench/dedup_finger.py [--gallery 100000] [--masters 100]
        [--exhaustive 5] [--shortlist 50] [--workers 2]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from finger_data import captures, enrolment_cpu_times, percentiles

from apps.biometrics.fingerprints import gallery, index, iso, match, pairs

_SLICE: list[tuple[int, match.Prepared]] = []


def _fillers(bounds: tuple[int, int]) -> list[tuple[int, bytes, np.ndarray, np.ndarray]]:
    out = []
    for i in range(*bounds):
        record = gallery.random_record(i)
        out.append((i, record, *pairs.record_keys(record)))
    return out


def _load_slice(records: list[tuple[int, bytes]]) -> None:
    _SLICE.extend((i, match.prepare_record(r)) for i, r in records)


def _exhaustive(probe_record: bytes) -> tuple[int, int, float]:
    """(best id, best score, seconds) of one probe against this process's slice."""
    probe = match.prepare_record(probe_record)
    best_id, best = -1, -1
    t0 = time.process_time()
    for i, g in _SLICE:
        s = match.compare(probe, g)
        if s > best or (s == best and i < best_id):
            best_id, best = i, s
    return best_id, best, time.process_time() - t0


def build_gallery(size: int, enrolled: list[bytes], workers: int) -> tuple[index.FingerIndex, dict]:
    ix = index.FingerIndex(Path(tempfile.mkdtemp(prefix="finger-bench-")))
    t0 = time.perf_counter()
    for i, record in enumerate(enrolled):
        ix.insert(i, record, *pairs.record_keys(record))
    step = 5000
    chunks = [(lo, min(lo + step, size)) for lo in range(len(enrolled), size, step)]
    made = 0.0
    with mp.get_context("spawn").Pool(workers) as pool:
        for chunk in pool.imap(_fillers, chunks):
            t1 = time.perf_counter()
            for i, record, keys, dirs in chunk:
                ix.insert(i, record, keys, dirs)
            made += time.perf_counter() - t1
    ix._merge()
    build = time.perf_counter() - t0
    t1 = time.perf_counter()
    ix.save()
    saved = time.perf_counter() - t1
    t2 = time.perf_counter()
    reopened = index.open_finger_index(ix.directory)
    opened = time.perf_counter() - t2
    disk = sum(p.stat().st_size for p in ix.directory.iterdir())
    return reopened, {"build_s": build, "save_s": saved, "open_s": opened, "disk": disk}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gallery", type=int, default=100_000)
    parser.add_argument("--masters", type=int, default=100)
    parser.add_argument("--impressions", type=int, default=3, help="rendered per master")
    parser.add_argument("--exhaustive", type=int, default=5, help="probes scanned exhaustively")
    parser.add_argument("--shortlist", type=int, default=index.DEFAULT_SHORTLIST)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    grid = captures(args.masters, args.impressions, args.workers)
    enrolled = [iso.to_iso(row[0].template) for row in grid]
    probes = [row[1].template for row in grid]
    print(
        f"building a gallery of {args.gallery} templates ({args.masters} rendered) ...", flush=True
    )
    ix, build = build_gallery(args.gallery, enrolled, args.workers)
    print(
        f"  built in {build['build_s']:.1f} s (fillers made in {args.workers} processes), "
        f"saved in {build['save_s']:.1f} s ({build['disk'] / 1e6:.0f} MB), "
        f"reopened in {build['open_s']:.1f} s",
        flush=True,
    )

    # Index: candidates + Bozorth3 on the shortlist, one process.
    results: dict[str, list[tuple[int, int, float, float]]] = {}
    for mode in ("cold", "warm"):
        rows = []
        for probe in probes:
            if mode == "cold":
                ix.clear_cache()
            t0 = time.process_time()
            ix.candidates(probe, args.shortlist)
            t1 = time.process_time()
            top = ix.search(probe, 1, shortlist=args.shortlist)
            t2 = time.process_time()
            best_id, best = top[0] if top else (-1, -1)
            rows.append((best_id, best, t1 - t0, t2 - t1))
        results[mode] = rows
    warm = results["warm"]
    found = sum(1 for m, r in enumerate(warm) if r[0] == m and r[1] >= match.MATCH_SCORE)

    # Baseline: exhaustive Bozorth3 on a sample of probes.
    sample = list(np.linspace(0, args.masters - 1, args.exhaustive).round().astype(int))
    records = [(i, r) for i, r in ((i, ix._records[i]) for i in ix.ids())]
    slices = [records[w :: args.workers] for w in range(args.workers)]
    print(
        f"exhaustive Bozorth3 of {len(sample)} probes over {len(records)} templates "
        f"in {args.workers} processes ...",
        flush=True,
    )
    exhaustive = []
    t0 = time.perf_counter()
    ctx = mp.get_context("spawn")
    pools = [ctx.Pool(1, initializer=_load_slice, initargs=(s,)) for s in slices]
    try:
        for m in sample:
            probe_record = iso.to_iso(probes[m])
            parts = [p.apply_async(_exhaustive, (probe_record,)) for p in pools]
            got = [p.get() for p in parts]
            best_id, best, _ = max(got, key=lambda g: (g[1], -g[0]))
            exhaustive.append((m, best_id, best, sum(g[2] for g in got)))
    finally:
        for p in pools:
            p.close()
            p.join()
    wall = time.perf_counter() - t0

    agree = sum(1 for m, b, _, _ in exhaustive if warm[m][0] == b)
    ex_s = float(np.mean([e[3] for e in exhaustive]))
    per_cmp = ex_s / len(records)
    for mode in ("warm", "cold"):
        rows = results[mode]
        total = [r[3] for r in rows]  # search() runs the candidate stage itself
        print(f"\nindex ({mode} cache of loaded templates), {len(rows)} probes:")
        print(f"  candidates CPU s per probe (p5 / p50 / p95): {percentiles([r[2] for r in rows])}")
        print(
            f"  search CPU s per probe (p5 / p50 / p95):     {percentiles(total)}"
            f"   mean {np.mean(total):.3f}"
        )
        print(f"  speed-up vs exhaustive (mean):           {ex_s / np.mean(total):.0f}x")
    print(
        f"\nexhaustive Bozorth3, {len(exhaustive)} probes: {ex_s:.1f} CPU s per probe "
        f"({1e3 * per_cmp:.3f} ms per comparison; {wall:.0f} s wall incl. loading)"
    )
    print(f"top-1 agreement with exhaustive on the sample: {agree}/{len(exhaustive)}")
    for m, b, s, _ in exhaustive:
        print(
            f"  probe {m}: exhaustive top-1 {b} (score {s}), index top-1 {warm[m][0]} "
            f"(score {warm[m][1]})"
        )
    print(f"index top-1 is the mate with score >= {match.MATCH_SCORE}: {found}/{len(warm)} probes")
    steps = enrolment_cpu_times()
    print(
        "\nper enrolment finger, CPU s (p50): MINDTCT "
        f"{np.median([s[0] for s in steps]):.3f}, NFIQ 2 "
        f"{np.median([s[1] for s in steps]):.3f}, search "
        f"{np.median([r[3] for r in warm]):.3f} (warm) / "
        f"{np.median([r[3] for r in results['cold']]):.3f} (cold)"
    )


if __name__ == "__main__":
    main()
