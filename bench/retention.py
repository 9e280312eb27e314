"""Retention benchmark: planning a daily run over a large register, expunging people,
and rewriting the key table, each next to a baseline measured in the same run.

1. **plan**: `apps.retention.rules.due_persons` over --persons people (100,000 by
   default; 1 % of them past a period), built once with bulk inserts of case shells (no
   encryption: the rules read clear dates only). Baseline: the straightforward way,
   every case of the program loaded and its end date computed in Python.
2. **expunge**: `services.expunge_person` (shred, hooks, cut links, signed receipt,
   audit entry, fsync'ed journal line) for --expunge people filed through the real
   service; baseline: `registrations.access.erase_person` alone (the shred and hooks).
3. **rewrite**: `VACUUM (FULL) vault_subjectkey` (PostgreSQL) at the table's size.

Only a database whose name ends in `_bench` (it adds people and expunges some):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reg_retention_bench \\
        .venv/bin/python bench/retention.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
os.environ.setdefault("REGISTRY_EXPUNGEMENT_JOURNAL", tempfile.mktemp(suffix=".jsonl"))  # noqa: S306

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.accounts.models import User  # noqa: E402
from apps.audit.services import SYSTEM  # noqa: E402
from apps.programs.loader import get_program  # noqa: E402
from apps.registrations import access  # noqa: E402
from apps.registrations import services as registrations  # noqa: E402
from apps.registrations.models import CaseState, Person, Registration  # noqa: E402
from apps.retention import rules, services  # noqa: E402
from apps.retention.models import RetentionRun, RunState  # noqa: E402
from apps.retention.rules import _end_date  # noqa: E402
from apps.vault.models import SubjectKey  # noqa: E402

BATCH = 5_000


def build(persons: int) -> None:
    """Case shells with key rows: 1 % rejected 4 years ago (due), the rest registered
    this year."""
    if Person.objects.filter(program="us-2025").count() >= persons:
        return
    filer, _ = User.objects.get_or_create(
        username="bench-filer@example.org", defaults={"email": "bench-filer@example.org"}
    )
    now = timezone.now()
    for start in range(0, persons, BATCH):
        people = [Person(id=uuid.uuid4(), program="us-2025") for _ in range(BATCH)]
        Person.objects.bulk_create(people)
        # Stand-ins for wrapped keys (random bytes of the same size): the rewrite below
        # moves bytes, it never unwraps them.
        SubjectKey.objects.bulk_create(
            SubjectKey(subject_id=p.id, wrapped_key=os.urandom(60), master_key_id="bench")
            for p in people
        )
        cases = [
            Registration(
                person=p,
                program="us-2025",
                program_version="bench",
                filed_by=filer,
                state=CaseState.REJECTED if (start + i) % 100 == 0 else CaseState.REGISTERED,
                case_number=f"B-{p.id.hex[:20]}",
            )
            for i, p in enumerate(people)
        ]
        Registration.objects.bulk_create(cases)
        old = [c.pk for c in cases if c.state == CaseState.REJECTED]
        Registration.objects.filter(pk__in=old).update(updated_at=now - dt.timedelta(days=1500))
        print(f"  built {start + BATCH:,}/{persons:,}", file=sys.stderr)


def naive_plan(today: dt.date) -> int:
    program = get_program("us-2025")
    ends: dict[uuid.UUID, list[dt.date | None]] = {}
    rows = Registration.objects.filter(program="us-2025").values_list(
        "person_id", "state", "updated_at", "departure__departed_on"
    )
    for person_id, state, updated_at, departed_on in rows.iterator(chunk_size=10_000):
        end = _end_date(program.retention, state, updated_at, departed_on, None)
        ends.setdefault(person_id, []).append(end)
    return sum(all(e is not None and e <= today for e in es) for es in ends.values())


def timed(label: str, work: object) -> float:
    started = time.perf_counter()
    result = work()  # type: ignore[operator]
    seconds = time.perf_counter() - started
    print(f"{label:<48} {seconds:8.3f} s   ({result})")
    return seconds


def filed(count: int) -> list[uuid.UUID]:
    user = User.objects.create_user(
        username=f"bench-{uuid.uuid4().hex[:8]}@example.org",
        email=f"bench-{uuid.uuid4().hex[:8]}@example.org",
        password=secrets.token_urlsafe(12),
    )
    from conftest import VALID_FORM

    return [
        registrations.file_registration(
            user, program_slug="us-2025", for_child=False, data=VALID_FORM, language="en",
            idempotency_key=None,
        )[0].person_id
        for _ in range(count)
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--expunge", type=int, default=200)
    args = parser.parse_args()
    name = str(settings.DATABASES["default"]["NAME"])
    if not name.endswith("_bench"):
        sys.exit("bench/retention.py runs only on a database whose name ends in _bench")
    call_command("migrate", verbosity=0)
    build(args.persons)
    today = timezone.localdate()
    program = get_program("us-2025")
    print(f"\n{connection.vendor}, {args.persons:,} persons")
    timed("plan: rules.due_persons", lambda: len(rules.due_persons(program, today)))
    timed("baseline: every case loaded, end dates in Python", lambda: naive_plan(today))

    ours, in_run, theirs = filed(args.expunge), filed(args.expunge), filed(args.expunge)
    timed(
        f"expunge_person x {args.expunge} (each + VACUUM)",
        lambda: [services.expunge_person(SYSTEM, p, ground="court-order") for p in ours][-1].ground,
    )
    run = RetentionRun.objects.create(
        program="us-2025", as_of=today, state=RunState.RUNNING, requested_by_role="system"
    )
    timed(
        f"expunge_person x {args.expunge} in a run",
        lambda: (
            [
                services.expunge_person(SYSTEM, p, ground="retention-rejected", run=run)
                for p in in_run
            ][-1].ground
        ),
    )
    timed(
        f"baseline: erase_person x {args.expunge}",
        lambda: sum(access.erase_person(SYSTEM, p, reason="bench") for p in theirs),  # type: ignore[arg-type]
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM vault_subjectkey")
            keys = cursor.fetchone()[0]
            timed(
                f"VACUUM (FULL) vault_subjectkey, {keys:,} keys",
                lambda: cursor.execute("VACUUM (FULL) vault_subjectkey") and "rewritten",
            )


if __name__ == "__main__":
    main()
