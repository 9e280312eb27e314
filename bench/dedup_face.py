"""Face de-duplication benchmark: our index (faiss IVF-SQ8, apps.biometrics.face.index)
against exact brute force (faiss IndexFlatL2) on the same gallery and the same probes.

The gallery is synthetic (apps.biometrics.face.synthetic: embeddings whose genuine and
impostor distances are calibrated on dlib). Mated probes are another capture of a
gallery person; non-mated probes are people not in the gallery. Every probe is searched
alone (k=1, one probe per call, no batching) with faiss limited to --threads OpenMP
threads (1 by default: one de-duplication worker per core). The build uses both cores.

Measured: build time, memory (bytes per face, index file), ms per probe (median, p95),
recall@1 relative to exact search, and FNIR at a fixed FPIR (threshold set per system
on its non-mated probes), plus FPIR/FNIR at MATCH_DISTANCE.

    .venv/bin/python bench/dedup_face.py --gallery 1000000
    .venv/bin/python bench/dedup_face.py --gallery 10000000 --exact-probes 200
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Idle OpenMP threads sleep instead of spinning: on 2 shared cores, spinning threads of
# the build steal the time of everything else (set before faiss loads the runtime).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import faiss  # noqa: E402
import numpy as np  # noqa: E402
from report import log, show_progress  # noqa: E402

from apps.biometrics.face import index as face_index  # noqa: E402
from apps.biometrics.face import store, synthetic  # noqa: E402
from apps.biometrics.face.pipeline import MATCH_DISTANCE  # noqa: E402

DIM = 128


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gallery", type=int, default=1_000_000)
    parser.add_argument("--mated", type=int, default=1000, help="mated probes")
    parser.add_argument("--non-mated", type=int, default=1000, help="non-mated probes")
    parser.add_argument("--exact-probes", type=int, default=0, help="0: all probes")
    parser.add_argument("--threads", type=int, default=1, help="OpenMP threads per probe")
    parser.add_argument("--sweep", default="8,16,32,64,128", help="nprobe values to try")
    parser.add_argument("--fpir", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--workdir", type=Path, default=None, help="index directory")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument(
        "--pipeline", action="store_true", help="time the face pipeline's steps instead"
    )
    return parser.parse_args()


def generate(args: argparse.Namespace) -> tuple[Any, np.ndarray, np.ndarray, float]:
    """The exact index holding the gallery, the mated and the non-mated probes."""
    faces = synthetic.model()
    rng = np.random.default_rng(args.seed)
    mated_ids = np.sort(rng.choice(args.gallery, args.mated, replace=False))
    exact = faiss.IndexFlatL2(DIM)
    mated = np.empty((args.mated, DIM), np.float32)
    spent_adding = 0.0
    for ids, centres, captures in synthetic.gallery(args.gallery, seed=args.seed):
        inside = np.isin(mated_ids, ids)
        if inside.any():
            chosen = mated_ids[inside] - ids[0]
            mated[inside] = faces.captures(
                np.random.default_rng([args.seed, ids[0]]), centres[chosen]
            )
        start = time.perf_counter()
        exact.add(captures)
        spent_adding += time.perf_counter() - start
        show_progress("generating", int(ids[-1]) + 1, args.gallery)
    show_progress("", 0, 0, done=True)
    outsiders = np.random.default_rng([args.seed, 10**9])
    non_mated = faces.captures(outsiders, faces.people(outsiders, args.non_mated))
    return exact, np.concatenate([mated, non_mated]), mated_ids, spent_adding


def gallery_batches(exact: Any, chunk: int = 100_000) -> Any:
    stored = faiss.rev_swig_ptr(exact.get_xb(), exact.ntotal * DIM).reshape(-1, DIM)
    for start in range(0, exact.ntotal, chunk):
        stop = min(start + chunk, exact.ntotal)
        yield np.arange(start, stop, dtype=np.int64), stored[start:stop]


def probe_one_by_one(
    search: Any, probes: np.ndarray, cpu: list[float] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Top-1 of each probe searched alone, with its wall-clock ms; ``cpu`` collects the
    CPU ms of this thread (one OpenMP thread: the search runs on it), which other load
    on the machine does not inflate."""
    ids = np.full(len(probes), -1, np.int64)
    distances = np.full(len(probes), np.inf, np.float32)
    times = np.empty(len(probes))
    for row, probe in enumerate(probes):
        start, start_cpu = time.perf_counter(), time.thread_time()
        hit = search(probe)
        times[row] = (time.perf_counter() - start) * 1000
        if cpu is not None:
            cpu.append((time.thread_time() - start_cpu) * 1000)
        if hit is not None:
            ids[row], distances[row] = hit
    return ids, distances, times


def error_rates(
    ids: np.ndarray, distances: np.ndarray, mated_ids: np.ndarray, threshold: float
) -> tuple[float, float]:
    """(FPIR, FNIR) at a distance threshold for top-1 candidate lists."""
    mates = len(mated_ids)
    fpir = float(np.mean(distances[mates:] <= threshold))
    found = (ids[:mates] == mated_ids) & (distances[:mates] <= threshold)
    return fpir, float(1 - np.mean(found))


def at_fpir(ids: np.ndarray, distances: np.ndarray, mated_ids: np.ndarray, fpir: float) -> Any:
    threshold = float(np.quantile(distances[len(mated_ids) :], fpir))
    return threshold, *error_rates(ids, distances, mated_ids, threshold)


def pipeline_timings(rounds: int = 3) -> None:
    """Time of each step of analyse_face on every sample variation: wall-clock time as
    analyse_face reports it, and the CPU time of the same steps (time.thread_time), which
    other load on the machine does not inflate."""
    import dlib

    from apps.biometrics.face import pipeline, samples

    faiss.omp_set_num_threads(1)
    pipeline.load_models()
    _, predictor, resnet = pipeline._Models.get()
    images = [
        v.image for person, rgb in samples.people().items() for v in samples.variations(person, rgb)
    ]
    wall: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}

    def timed(step: str, work: Any) -> Any:
        start = time.thread_time()
        value = work()
        cpu.setdefault(step, []).append((time.thread_time() - start) * 1000)
        return value

    for _ in range(rounds):
        for image in images:
            start = time.perf_counter()
            result = pipeline.analyse_face(image)
            wall.setdefault("total", []).append((time.perf_counter() - start) * 1000)
            for step, ms in result.timings_ms.items():
                wall.setdefault(step, []).append(ms)
            rgb = timed("decode", lambda image=image: pipeline.decode_image(image))
            box = timed("detection", lambda rgb=rgb: pipeline.detect(rgb))[0][0]
            rect = dlib.rectangle(*box)
            chip = timed(
                "alignment",
                lambda rgb=rgb, rect=rect: dlib.get_face_chip(rgb, predictor(rgb, rect), 150, 0.25),
            )
            timed("embedding", lambda chip=chip: resnet.compute_face_descriptor(chip))
    print(f"\nFace pipeline, {len(images)} sample images x {rounds} rounds, one thread")
    print("| step | wall median ms | wall p95 ms | CPU median ms |\n|---|---|---|---|")
    for step, values in wall.items():
        mine = cpu.get(step)
        cpu_ms = f"{np.median(mine):.1f}" if mine else ""
        print(f"| {step} | {np.median(values):.1f} | {np.percentile(values, 95):.1f} | {cpu_ms} |")


def main() -> None:
    args = parse()
    if args.pipeline:
        pipeline_timings()
        return
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="face-bench-"))
    log(f"gallery {args.gallery:,}, {args.mated} mated + {args.non_mated} non-mated probes")
    faiss.omp_set_num_threads(os.cpu_count() or 1)

    start = time.perf_counter()
    exact, probes, mated_ids, exact_build = generate(args)
    log(f"generated in {time.perf_counter() - start:.0f} s")

    start = time.perf_counter()
    ours = face_index.rebuild_face_index_from_batches(
        workdir / "faces",
        gallery_batches(exact),
        args.gallery,
        lambda done, total: show_progress("building", done, total),
    )
    build = time.perf_counter() - start
    show_progress("", 0, 0, done=True)
    file_bytes = (workdir / "faces" / store.INDEX_FILE).stat().st_size
    log(f"our index built in {build:.0f} s ({ours.kind}, nprobe {ours.nprobe})")

    faiss.omp_set_num_threads(args.threads)
    # Exact search on all probes, or on as many mated as non-mated ones when asked to.
    half = args.exact_probes // 2 or max(args.mated, args.non_mated)
    subset = np.r_[
        np.arange(min(half, args.mated)), args.mated + np.arange(min(half, args.non_mated))
    ]

    def exact_search(probe: np.ndarray) -> tuple[int, float]:
        squared, found = exact.search(probe.reshape(1, -1), 1)
        return int(found[0, 0]), float(np.sqrt(max(squared[0, 0], 0)))

    def our_search(probe: np.ndarray) -> tuple[int, float] | None:
        hits = ours.search(probe, 1)
        return hits[0] if hits else None

    # Exact and ours take turns on each probe, so that other load on the machine slows
    # both alike; the other nprobe values of the sweep are timed afterwards.
    log(f"searching {len(probes)} probes one by one ({len(subset)} also exactly)")
    default_nprobe = ours.nprobe
    in_subset = np.zeros(len(probes), bool)
    in_subset[subset] = True
    e_ids, e_dist, e_ms = (np.empty(len(subset), t) for t in (np.int64, np.float32, float))
    o_ids, o_dist, o_ms = (np.empty(len(probes), t) for t in (np.int64, np.float32, float))
    done = 0
    exact_cpu: list[float] = []
    our_cpu: list[float] = []
    for row, probe in enumerate(probes):
        if in_subset[row]:
            e_ids[done : done + 1], e_dist[done : done + 1], e_ms[done : done + 1] = (
                probe_one_by_one(exact_search, probe[None], exact_cpu)
            )
            done += 1
        o_ids[row : row + 1], o_dist[row : row + 1], o_ms[row : row + 1] = probe_one_by_one(
            our_search, probe[None], our_cpu
        )
        show_progress("probing", row + 1, len(probes))
    show_progress("", 0, 0, done=True)
    sweep = []
    for nprobe in sorted({*(int(n) for n in args.sweep.split(",")), default_nprobe}):
        ours.nprobe = nprobe
        s_ids, _, s_ms = (
            (o_ids, o_dist, o_ms)
            if nprobe == default_nprobe
            else probe_one_by_one(our_search, probes)
        )
        recall = float(np.mean(s_ids[subset] == e_ids))
        sweep.append(
            {
                "nprobe": nprobe,
                "recall": recall,
                "recall_mated": float(np.mean((s_ids[subset] == e_ids)[subset < args.mated])),
                "ms_median": float(np.median(s_ms)),
                "ms_p95": float(np.percentile(s_ms, 95)),
            }
        )
        log(f"  nprobe {nprobe:4d}: recall@1 {recall:.4f}, {np.median(s_ms):.2f} ms median")
    ours.nprobe = default_nprobe
    mated_in_subset = subset < args.mated
    recall_mated = float(np.mean(o_ids[subset][mated_in_subset] == e_ids[mated_in_subset]))
    recall_non = float(np.mean(o_ids[subset][~mated_in_subset] == e_ids[~mated_in_subset]))
    recall = float(np.mean(o_ids[subset] == e_ids))

    sub_mated = mated_ids[subset[mated_in_subset]]
    # Error rates of ours on the probes that exact search also ran (same sample).
    t_ours, _fpir_ours, fnir_ours = at_fpir(o_ids[subset], o_dist[subset], sub_mated, args.fpir)
    t_all, _fpir_all, fnir_all = at_fpir(o_ids, o_dist, mated_ids, args.fpir)
    t_exact, _fpir_exact, fnir_exact = at_fpir(e_ids, e_dist, sub_mated, args.fpir)
    # The probes that matter for de-duplication: exact search would flag them.
    flagged = e_dist <= t_exact
    recall_flagged = float(np.mean(o_ids[subset][flagged] == e_ids[flagged]))
    at_match_ours = error_rates(o_ids[subset], o_dist[subset], sub_mated, MATCH_DISTANCE)
    at_match_exact = error_rates(e_ids, e_dist, sub_mated, MATCH_DISTANCE)

    exact_ms, our_ms = float(np.median(e_ms)), float(np.median(o_ms))
    figures = {
        "gallery": args.gallery,
        "probes": {"mated": args.mated, "non_mated": args.non_mated, "exact": len(subset)},
        "threads_per_probe": args.threads,
        "index": {"kind": ours.kind, "nprobe": default_nprobe},
        "build_s": {"ours": round(build, 1), "exact": round(exact_build, 1)},
        "memory_bytes": {"ours_file": file_bytes, "exact": args.gallery * DIM * 4},
        "ms_per_probe": {
            "ours_cpu_median": round(float(np.median(our_cpu)), 3),
            "exact_cpu_median": round(float(np.median(exact_cpu)), 3),
            "ours_median": round(our_ms, 3),
            "ours_p95": round(float(np.percentile(o_ms, 95)), 3),
            "exact_median": round(exact_ms, 3),
            "exact_p95": round(float(np.percentile(e_ms, 95)), 3),
        },
        "speedup": round(exact_ms / our_ms, 1),
        "recall_at_1": {
            "all": recall,
            "mated": recall_mated,
            "non_mated": recall_non,
            "flagged": recall_flagged,
            "flagged_count": int(flagged.sum()),
        },
        "at_fpir": {
            "fpir": args.fpir,
            "ours": {"threshold": round(t_ours, 4), "fnir": fnir_ours},
            "ours_all_probes": {"threshold": round(t_all, 4), "fnir": fnir_all},
            "exact": {"threshold": round(t_exact, 4), "fnir": fnir_exact},
        },
        "at_match_distance": {
            "ours": {"fpir": at_match_ours[0], "fnir": at_match_ours[1]},
            "exact": {"fpir": at_match_exact[0], "fnir": at_match_exact[1]},
        },
        "sweep": sweep,
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "machine": (
            f"{os.cpu_count()} cores, Python {platform.python_version()}, faiss {faiss.__version__}"
        ),
    }
    print_table(figures, args)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2))
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)


def print_table(f: dict[str, Any], args: argparse.Namespace) -> None:
    ms = f["ms_per_probe"]
    n = f["gallery"]
    rows = [
        ("build time (s)", f"{f['build_s']['ours']}", f"{f['build_s']['exact']}", ""),
        (
            "bytes per face",
            f"{f['memory_bytes']['ours_file'] / n:.0f}",
            f"{f['memory_bytes']['exact'] / n:.0f}",
            "",
        ),
        (
            "index size (MB)",
            f"{f['memory_bytes']['ours_file'] / 1e6:.0f}",
            f"{f['memory_bytes']['exact'] / 1e6:.0f}",
            "",
        ),
        (
            "ms per probe, median",
            f"{ms['ours_median']:.3f}",
            f"{ms['exact_median']:.3f}",
            "< 10 ms at 10M",
        ),
        ("ms per probe, p95", f"{ms['ours_p95']:.3f}", f"{ms['exact_p95']:.3f}", ""),
        (
            "CPU ms per probe, median",
            f"{ms['ours_cpu_median']:.3f}",
            f"{ms['exact_cpu_median']:.3f}",
            "",
        ),
        ("speed-up over exact", f"{f['speedup']}x", "1x", ">= 20x at 1M"),
        ("recall@1 vs exact, all", f"{f['recall_at_1']['all']:.4f}", "1", ">= 0.99"),
        ("recall@1 vs exact, mated", f"{f['recall_at_1']['mated']:.4f}", "1", ""),
        ("recall@1 vs exact, non-mated", f"{f['recall_at_1']['non_mated']:.4f}", "1", ""),
        (
            f"recall@1 vs exact, flagged ({f['recall_at_1']['flagged_count']})",
            f"{f['recall_at_1']['flagged']:.4f}",
            "1",
            "",
        ),
        (
            f"FNIR at FPIR {args.fpir:g} (threshold)",
            f"{f['at_fpir']['ours']['fnir']:.4f} ({f['at_fpir']['ours']['threshold']})",
            f"{f['at_fpir']['exact']['fnir']:.4f} ({f['at_fpir']['exact']['threshold']})",
            "",
        ),
        (
            f"FPIR / FNIR at {MATCH_DISTANCE}",
            "{fpir:.4f} / {fnir:.4f}".format(**f["at_match_distance"]["ours"]),
            "{fpir:.4f} / {fnir:.4f}".format(**f["at_match_distance"]["exact"]),
            "",
        ),
    ]
    header = (
        "metric",
        f"ours ({f['index']['kind']}, nprobe {f['index']['nprobe']})",
        "exact (IndexFlatL2)",
        "goal",
    )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    threads = f["threads_per_probe"]
    print(f"\nFace de-duplication, gallery {n:,}, {threads} thread(s) per probe, {f['machine']}")
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("| " + " | ".join(c.ljust(widths[i]) for i, c in enumerate(row)) + " |")
    print(
        "\nnprobe sweep (ours): "
        + ", ".join(
            f"{s['nprobe']}: recall {s['recall']:.4f} / {s['ms_median']:.2f} ms" for s in f["sweep"]
        )
    )
    print(f"max RSS {f['max_rss_mb']} MB")


if __name__ == "__main__":
    main()
