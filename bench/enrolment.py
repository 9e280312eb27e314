"""Pipeline timings per biometric enrolment: the library calls alone (baseline) against
our full service call, for one enrolment at a time, against a gallery.

Per enrolment (a real face photo from the face samples and --fingers synthetic
fingers), measured in the same run on the same inputs:

- baseline, the libraries alone: face detection + alignment + embedding
  (pipeline.analyse_face), minutiae + NFIQ 2 per finger (nbis.analyse), the 1:N face
  search (FaceIndex.search, index already open) and the 1:N finger searches
  (FingerIndex.search per finger, index already open);
- ours: `services.capture` through to the end of the de-duplication task
  (dedup.search, run by the immediate tasks backend on commit): the same library work,
  plus sealing, the database rows, the audit entries, the case move, opening both
  indexes from disk under their locks, and adding the enrolment to both (saved).

The gallery: --faces synthetic face embeddings (apps.biometrics.face.synthetic,
calibrated on dlib's distances) and --gallery-fingers random-minutiae templates (for
timing only: they are no one's fingers), added straight to the indexes.

    .venv/bin/python bench/enrolment.py                   # 100,000 faces, 10,000 fingers
    .venv/bin/python bench/enrolment.py --faces 20000 --enrolments 3

It uses its own SQLite database and index directory in a temporary folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/ itself is taken off the path: this script needs none of its helpers, and a
# script there named like a standard module would shadow it, for Django too.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

GALLERY_IDS = 10**12  # far above any enrolment or finger row id


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--faces", type=int, default=100_000, help="face gallery size")
    parser.add_argument("--gallery-fingers", type=int, default=10_000)
    parser.add_argument("--enrolments", type=int, default=5)
    parser.add_argument("--fingers", type=int, default=4, help="fingers per enrolment")
    return parser.parse_args()


def setup(work: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ["REGISTRY_BIOMETRICS_INDEX_DIR"] = str(work / "indexes")
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def random_template(rng: Any) -> Any:
    from apps.biometrics.fingerprints.template import FingerTemplate, Minutia

    count = int(rng.integers(35, 70))
    return FingerTemplate(
        minutiae=tuple(
            Minutia(
                int(rng.integers(30, 370)),
                int(rng.integers(30, 450)),
                int(rng.integers(0, 256)),
                int(rng.integers(1, 3)),
                int(rng.integers(40, 100)),
            )
            for _ in range(count)
        ),
        width=400,
        height=480,
    )


def build_gallery(args: argparse.Namespace) -> dict[str, float]:
    import numpy as np

    from apps.biometrics import indexes
    from apps.biometrics.face import index as face_index
    from apps.biometrics.face import synthetic as face_synthetic
    from apps.biometrics.fingerprints import index as finger_index

    started = time.perf_counter()

    def faces() -> Any:
        for ids, _centres, captures in face_synthetic.gallery(args.faces, seed=7):
            yield from zip((ids + GALLERY_IDS).tolist(), captures, strict=True)

    face_index.rebuild_face_index(indexes.directory(indexes.FACE), faces(), args.faces)
    face_seconds = time.perf_counter() - started
    rng = np.random.default_rng(11)
    started = time.perf_counter()
    templates = ((GALLERY_IDS + i, random_template(rng)) for i in range(args.gallery_fingers))
    finger_index.rebuild_finger_index(
        indexes.directory(indexes.FINGERS), templates, args.gallery_fingers
    )
    return {"faces": face_seconds, "fingers": time.perf_counter() - started}


def probes(args: argparse.Namespace) -> list[tuple[bytes, dict[int, bytes]]]:
    from apps.biometrics.face import samples
    from apps.biometrics.fingerprints import synthetic

    photos = [
        variation.image
        for name, rgb in samples.people().items()
        for variation in samples.variations(name, rgb, bad=False)
    ]
    made = []
    for number in range(args.enrolments):
        fingers = {
            position: synthetic.png_bytes(
                synthetic.impression(synthetic.master_finger(1000 * number + position), 1)
            )
            for position in range(1, args.fingers + 1)
        }
        made.append((photos[number % len(photos)], fingers))
    return made


def baseline(photo: bytes, fingers: dict[int, bytes], k: int) -> dict[str, float]:
    """The library calls alone, indexes already open."""
    from apps.biometrics import indexes
    from apps.biometrics.face import index as face_index
    from apps.biometrics.face import pipeline
    from apps.biometrics.fingerprints import index as finger_index
    from apps.biometrics.fingerprints import nbis

    faces = face_index.open_face_index(indexes.directory(indexes.FACE))
    finger_gallery = finger_index.open_finger_index(indexes.directory(indexes.FINGERS))
    times: dict[str, float] = {}
    started = time.perf_counter()
    face = pipeline.analyse_face(photo)
    times["detect + embed"] = time.perf_counter() - started
    started = time.perf_counter()
    templates = [nbis.analyse(image) for image in fingers.values()]
    times["minutiae + NFIQ 2"] = time.perf_counter() - started
    started = time.perf_counter()
    faces.search(face.embedding, k)
    times["face search"] = time.perf_counter() - started
    started = time.perf_counter()
    for analysis in templates:
        finger_gallery.search(analysis.template, k)
    times["finger searches"] = time.perf_counter() - started
    return times


def ours(number: int, photo: bytes, fingers: dict[int, bytes]) -> dict[str, float]:
    from django.db import transaction

    from apps.accounts.models import User
    from apps.accounts.permissions import Role
    from apps.biometrics import services
    from apps.biometrics.models import Enrolment
    from apps.registrations import casework
    from apps.registrations import services as registrations
    from conftest import VALID_FORM

    officer, _ = User.objects.get_or_create(
        username="olu.bench@example.org",
        defaults={"role": Role.OFFICER.value, "email": "olu.bench@example.org"},
    )
    filer = User.objects.create(
        username=f"p{number}@example.org", email=f"p{number}@example.org", role=Role.REGISTRANT
    )
    case, _ = registrations.file_registration(
        filer, program_slug="us-2025", for_child=False, data=VALID_FORM, language="en",
        idempotency_key=None,
    )  # fmt: skip
    case = casework.schedule_biometrics(officer, case, office_code="PAT", reason="booked")
    # The outer block holds the search back until it commits: capture, then search.
    started = time.perf_counter()
    with transaction.atomic():
        # Every finger not taken is recorded as missing: each one needs an image or why.
        missing = {p: "missing" for p in range(1, 11) if p not in fingers}
        enrolment = services.capture(officer, case, services.CaptureInput(photo, fingers, missing))
        captured = time.perf_counter()
    searched = time.perf_counter()
    enrolment.refresh_from_db()
    if enrolment.state != Enrolment.State.SEARCHED:
        raise SystemExit("the search task did not run: is the immediate tasks backend on?")
    return {"ours: capture": captured - started, "ours: search + index add": searched - captured}


def main() -> None:
    args = parse()
    with tempfile.TemporaryDirectory(prefix="bench-enrolment-") as folder:
        setup(Path(folder))
        from apps.biometrics.face import pipeline
        from apps.programs.loader import get_program

        k = get_program("us-2025").biometrics.candidates
        built = build_gallery(args)
        print(
            f"gallery: {args.faces:,} faces built in {built['faces']:.1f} s, "
            f"{args.gallery_fingers:,} fingers in {built['fingers']:.1f} s",
            flush=True,
        )
        made = probes(args)
        pipeline.analyse_face(made[0][0])  # load dlib's models outside the timings
        baseline(*made[0], k)  # and warm the caches both sides share
        rows: list[dict[str, float]] = []
        for number, (photo, fingers) in enumerate(made):
            # Alternate which side goes first, so neither always gets the warmer caches.
            if number % 2:
                full = ours(number, photo, fingers)
                times = baseline(photo, fingers, k)
            else:
                times = baseline(photo, fingers, k)
                full = ours(number, photo, fingers)
            times["libraries alone (sum)"] = sum(times.values())
            times.update(full)
            times["ours: total"] = sum(full.values())
            rows.append(times)
        print(f"{args.enrolments} enrolments, {args.fingers} fingers each, k={k}; median seconds:")
        for name in rows[0]:
            values = [row[name] for row in rows]
            print(f"  {name:26} {statistics.median(values):8.3f}   (max {max(values):.3f})")
        base = statistics.median(r["libraries alone (sum)"] for r in rows)
        full_median = statistics.median(r["ours: total"] for r in rows)
        print(
            f"  {'overhead of the service':26} {full_median - base:8.3f}"
            f"   ({full_median / base:.2f}x the libraries)"
        )


if __name__ == "__main__":
    main()
