"""Biometric index writes: what one enrolment costs on disk once the gallery is large.

Ours: `add` then `save()` for one face (one finger) at a time, as the worker does per
enrolment: it is appended to the index's journal (apps/biometrics/face/journal.py,
apps/biometrics/fingerprints/files.py), and the base is rewritten once the journal
holds a fiftieth of the index. Baseline: the same add with the whole index rewritten on
every save (what save() did before the journal, with the same atomic write). Both on
the same gallery: synthetic faces, and generated finger templates (gallery.py).

    .venv/bin/python bench/index_save.py --gallery 1000000 --fingers 100000
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
from report import log, table  # noqa: E402

from apps.biometrics.face import journal, synthetic  # noqa: E402
from apps.biometrics.face.index import (  # noqa: E402
    open_face_index,
    rebuild_face_index_from_batches,
)
from apps.biometrics.fingerprints import gallery as finger_gallery  # noqa: E402
from apps.biometrics.fingerprints import index as finger_index  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gallery", type=int, default=1_000_000)
    parser.add_argument("--fingers", type=int, default=100_000)
    parser.add_argument("--enrolments", type=int, default=200)
    args = parser.parse_args()
    rows = face_rows(args)
    rows += finger_rows(args)
    print(table(rows))


def face_rows(args: argparse.Namespace) -> list[tuple[str, ...]]:
    work = Path(tempfile.mkdtemp(prefix="face_index_save_"))
    try:
        directory = work / "faces"
        log(f"building an index of {args.gallery:,} synthetic faces…")
        batches = ((ids, captures) for ids, _, captures in synthetic.gallery(args.gallery, seed=3))
        rebuild_face_index_from_batches(directory, batches, args.gallery)
        base_mb = (directory / "faces.faiss").stat().st_size / 1e6
        new = next(synthetic.gallery(args.enrolments, seed=4, first_id=args.gallery))
        ids, vectors = new[0], new[2]

        index = open_face_index(directory)
        ours = []
        for k in range(args.enrolments):
            started = time.perf_counter()
            index.add(ids[k : k + 1], vectors[k : k + 1])
            index.save()
            ours.append(time.perf_counter() - started)
        journal_kb = (directory / journal.JOURNAL_FILE).stat().st_size / 1e3
        log(f"journal: {statistics.median(ours) * 1e3:.2f} ms per enrolment")

        index.remove(ids)  # back to the gallery alone, rewritten
        index.save()
        plain = []
        for k in range(min(args.enrolments, 20)):
            started = time.perf_counter()
            index.add(ids[k : k + 1], vectors[k : k + 1])
            journal.write_base(directory / "faces.faiss", index._index)
            plain.append(time.perf_counter() - started)
        log(f"full rewrite: {statistics.median(plain) * 1e3:.1f} ms per enrolment")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return [
        timing_row(f"one enrolment's add + save, {args.gallery:,} faces", ours, plain),
        (
            "bytes written per enrolment",
            f"{journal.record_size(128)} (journal {journal_kb:.0f} kB after {args.enrolments})",
            f"{base_mb:.0f} MB",
            "",
            "",
            "",
        ),
    ]


def finger_rows(args: argparse.Namespace) -> list[tuple[str, ...]]:
    work = Path(tempfile.mkdtemp(prefix="finger_save_"))
    try:
        log(f"building an index of {args.fingers:,} generated finger templates…")
        index = finger_index.rebuild_finger_index(
            work, ((i, finger_gallery.random_template(i)) for i in range(args.fingers)), 0
        )
        base_mb = sum(p.stat().st_size for p in work.iterdir()) / 1e6
        ours, plain = [], []
        for k in range(args.enrolments):
            template = finger_gallery.random_template(args.fingers + k)
            started = time.perf_counter()
            index.add(args.fingers + k, template)
            index.save()
            ours.append(time.perf_counter() - started)
        for k in range(min(args.enrolments, 20)):
            template = finger_gallery.random_template(2 * args.fingers + k)
            started = time.perf_counter()
            index.add(2 * args.fingers + k, template)
            index._write_base()
            plain.append(time.perf_counter() - started)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return [
        timing_row(f"one finger's add + save, {args.fingers:,} fingers", ours, plain),
        ("bytes written per finger", "about 500 (its ISO record)", f"{base_mb:.0f} MB", "", "", ""),
    ]


def timing_row(label: str, ours: list[float], plain: list[float]) -> tuple[str, ...]:
    """Median and p95 of both in ms, and how many times slower the rewrite is."""
    return (
        f"{label}: ms (median; p95)",
        f"{statistics.median(ours) * 1e3:.2f}; {np.percentile(ours, 95) * 1e3:.2f}",
        f"{statistics.median(plain) * 1e3:.1f}; {np.percentile(plain, 95) * 1e3:.1f}",
        f"{statistics.median(plain) / statistics.median(ours):.0f}x",
        "",
        "",
    )


if __name__ == "__main__":
    main()
