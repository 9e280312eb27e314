"""Intake benchmark: registrations filed per second, against a same-run baseline.

Three phases on PostgreSQL, each on emptied tables:

1. service: `file_registration` (validation, per-person key, encryption, blind indexes,
   case transition, hash-chained audit entry), W worker processes, one transaction each;
2. plain SQL: the same rows with the same sizes inserted by psycopg, one transaction per
   submission, same W processes, no validation, no crypto, no ORM: the floor;
3. HTTP: `POST /api/v1/registrations` on a multi-process server on 127.0.0.1, with 32
   concurrent clients each signed in as their own registrant.

Phases 1 and 2 run once in one process, then in rounds that alternate the two, so that
other load on the machine hits both alike; `audit.verify()` checks every service run.

It erases every account and registration in the database it is given, so it refuses a
database whose name does not end in `_bench` (see --allow-any-database).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/registry_bench \\
        .venv/bin/python bench/intake.py
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import cProfile
import functools
import json
import multiprocessing as mp
import os
import platform
import pstats
import secrets
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
# Measure the production configuration: DEBUG off (no query log), real-size secrets.
# The master key is thrown away after the run, like the data.
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
if "REGISTRY_MASTER_KEY_FILE" not in os.environ:
    os.environ.setdefault("REGISTRY_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())

import dj_database_url  # noqa: E402 - the environment above must be set first
import psycopg  # noqa: E402
from bench_db import conninfo, create_database_if_missing  # noqa: E402
from http_load import HttpResult, run_http  # noqa: E402
from psycopg.types.json import Jsonb  # noqa: E402
from report import log, show_progress, table, yes_no  # noqa: E402
from workload import PASSWORD, make_form  # noqa: E402

GOAL_RATE = 500.0
GOAL_RATIO = 0.25
DATA_TABLES = (
    "registrations_blindindexentry",
    "registrations_casetransition",
    "registrations_registration",
    "registrations_noticeshown",
    "registrations_person",
    "vault_subjectkey",
    "audit_auditentry",
    "audit_auditchainhead",
)
ALL_TABLES = (*DATA_TABLES, "django_session", "accounts_user")
INDEX_KINDS = ("name_birth", "family_birth", "document")

# --------------------------------------------------------------------------- database


def database_settings(allow_any: bool) -> Mapping[str, Any]:
    url = os.environ.get("DATABASE_URL", "")
    config = dj_database_url.parse(url) if url else {}
    if config.get("ENGINE") != "django.db.backends.postgresql":
        sys.exit(
            "bench/intake.py measures PostgreSQL: set DATABASE_URL, e.g.\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/registry_bench "
            f"{sys.executable} bench/intake.py\n(got {url or 'nothing'!r}; SQLite is refused)"
        )
    if not allow_any and not str(config["NAME"]).endswith("_bench"):
        sys.exit(
            f"The benchmark erases every account and registration in {config['NAME']!r}. "
            "Use a database whose name ends in _bench, or pass --allow-any-database."
        )
    return config


def execute(statement: str) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement)
        return cursor.fetchall() if cursor.description else []


def clean(tables: tuple[str, ...]) -> None:
    """Empty the tables (TRUNCATE passes the audit log's append-only trigger) and
    checkpoint, so that no phase pays for the previous one's dirty pages."""
    from django.db import DatabaseError

    execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    # CHECKPOINT needs superuser or pg_checkpoint; without it the figures are noisier.
    with contextlib.suppress(DatabaseError):
        execute("CHECKPOINT")


def count_rows() -> dict[str, int]:
    tables = ("registrations_registration", "registrations_blindindexentry", "audit_auditentry")
    return {table: execute(f"SELECT count(*) FROM {table}")[0][0] for table in tables}


def create_users(prefix: str, count: int) -> list[int]:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from apps.accounts.models import User

    hashed = make_password(PASSWORD)  # argon2 once, not once per account
    users = [
        User(
            username=f"{prefix}{i}@bench.example",
            email=f"{prefix}{i}@bench.example",
            password=hashed,
            role="registrant",
            email_verified_at=timezone.now(),
        )
        for i in range(count)
    ]
    return [user.pk for user in User.objects.bulk_create(users)]


# --------------------------------------------------------------------------- workers


@dataclass
class RunResult:
    submissions: int
    seconds: float
    cpu_seconds: float = 0.0  # of the worker processes only, not of PostgreSQL
    errors: list[str] = field(default_factory=list)

    @property
    def cpu_ms_per_filing(self) -> float:
        return 1000 * self.cpu_seconds / self.submissions if self.submissions else 0.0

    @property
    def rate(self) -> float:
        return self.submissions / self.seconds if self.seconds else 0.0


Hook = Callable[[], None]
Worker = Callable[[int, int, int, Hook, Hook], None]
"""(worker index, count, user id, ready, tick): set up, call `ready()` (which waits for
the other workers and starts the clock), then file `count` registrations, calling
`tick()` after each."""


def service_worker(worker: int, count: int, user_id: int, ready: Hook, tick: Hook) -> None:
    from django.conf import settings

    from apps.accounts.models import User
    from apps.registrations.services import file_registration

    user = User.objects.get(pk=user_id)
    forms = [make_form(worker, i) for i in range(count)]
    ready()
    for form in forms:
        file_registration(
            user,
            program_slug=settings.REGISTRY_DEFAULT_PROGRAM,
            for_child=False,
            data=form,
            language="en",
            idempotency_key=None,
        )
        tick()


def plain_worker(
    worker: int, count: int, user_id: int, ready: Hook, tick: Hook, *, index_rows: int
) -> None:
    from django.conf import settings

    config = settings.DATABASES["default"]
    forms = [make_form(worker, i) for i in range(count)]
    with psycopg.connect(conninfo(config)) as conn:
        ready()
        for i, form in enumerate(forms):
            insert_plain(conn, user_id, f"PLAIN-{worker:02d}-{i:08d}", form, index_rows)
            tick()


def insert_plain(
    conn: psycopg.Connection[Any],
    user_id: int,
    case_number: str,
    form: dict[str, Any],
    index_rows: int,
) -> None:
    """The rows `file_registration` writes, with random bytes of the same sizes."""
    sealed_size = 1 + 12 + len(json.dumps(form, separators=(",", ":"))) + 16
    person = uuid.uuid4()
    with conn.transaction():
        conn.execute(
            "INSERT INTO vault_subjectkey (subject_id, wrapped_key, master_key_id, created_at)"
            " VALUES (%s, %s, %s, now())",
            [person, os.urandom(61), "plain"],
        )
        conn.execute(
            "INSERT INTO registrations_person (id, account_id, program, created_at)"
            " VALUES (%s, %s, %s, now())",
            [person, user_id, "us-2025"],
        )
        registration = uuid.uuid4()
        conn.execute(
            "INSERT INTO registrations_registration (id, person_id, program, program_version,"
            " state, case_number, filed_by_id, for_child, language, form_sealed,"
            " request_digest, created_at, updated_at, submitted_at)"
            " VALUES (%s, %s, 'us-2025', '2025.1', 'submitted', %s, %s, false, 'en', %s, %s,"
            " now(), now(), now())",
            [registration, person, case_number, user_id, os.urandom(sealed_size), random_hex()],
        )
        kinds = [INDEX_KINDS[i % len(INDEX_KINDS)] for i in range(index_rows)]
        conn.execute(
            "INSERT INTO registrations_blindindexentry (person_id, kind, digest) VALUES "
            + ", ".join(["(%s, %s, %s)"] * index_rows),
            [value for kind in kinds for value in (person, kind, random_hex())],
        )
        conn.execute(
            "INSERT INTO registrations_casetransition (registration_id, from_state, to_state,"
            " actor_id, actor_role, reason, at)"
            " VALUES (%s, 'draft', 'submitted', %s, 'registrant', 'filed by the registrant',"
            " now())",
            [registration, user_id],
        )
        chain, digest = f"s:{person}", random_hex()
        conn.execute(
            "INSERT INTO audit_auditentry (chain, seq, at, actor_id, actor_role, action,"
            " subject_id, object_type, object_id, purpose, legal_basis, reference, detail,"
            " prev_hash, hash) VALUES (%s, 1, now(), %s, 'registrant', 'submit', %s,"
            " 'registration', %s, 'self-filing', '', '', %s, %s, %s)",
            [
                chain,
                user_id,
                person,
                case_number,
                Jsonb({"state": "submitted", "for_child": False}),
                "0" * 64,
                digest,
            ],
        )
        conn.execute(
            "INSERT INTO audit_auditchainhead (chain, seq, head_hash) VALUES (%s, 1, %s)",
            [chain, digest],
        )


def random_hex() -> str:
    return secrets.token_hex(32)


@dataclass
class Shared:
    """What the forked workers share with the parent (inherited, not pickled)."""

    barrier: Any
    progress: Any
    results: Any


def _child(work: Worker, worker: int, count: int, user_id: int, shared: Shared) -> None:
    started: list[float] = []

    def ready() -> None:
        shared.barrier.wait()
        started.extend((time.perf_counter(), time.process_time()))

    def tick() -> None:
        with shared.progress.get_lock():
            shared.progress.value += 1

    try:
        work(worker, count, user_id, ready, tick)
        cpu = time.process_time() - started[1]
        shared.results.put((worker, started[0], time.perf_counter(), cpu, ""))
    except Exception:
        # Reported by the parent, which stops the run; the others must not wait for us.
        shared.barrier.abort()
        shared.results.put((worker, 0.0, 0.0, 0.0, traceback.format_exc()))


def run_processes(label: str, work: Worker, total: int, user_ids: list[int]) -> RunResult:
    """Split `total` submissions over one forked process per user; time from the moment
    all are ready to the last one done."""
    from django.db import connections

    connections.close_all()  # forked children must open their own connections
    context = mp.get_context("fork")
    workers = len(user_ids)
    shared = Shared(context.Barrier(workers), context.Value("l", 0), context.Queue())
    shares = [total // workers + (1 if w < total % workers else 0) for w in range(workers)]
    processes = [
        context.Process(target=_child, args=(work, w, shares[w], user_ids[w], shared))
        for w in range(workers)
    ]
    for process in processes:
        process.start()
    reports: list[tuple[int, float, float, float, str]] = []
    while len(reports) < workers:
        show_progress(label, shared.progress.value, total)
        while not shared.results.empty():
            reports.append(shared.results.get())
        if len(reports) < workers and not any(p.is_alive() for p in processes):
            reports.extend(shared.results.get(timeout=5) for _ in range(workers - len(reports)))
        time.sleep(0.25)
    for process in processes:
        process.join()
    show_progress(label, shared.progress.value, total, done=True)
    errors = [error for *_, error in reports if error]
    if errors:
        return RunResult(0, 0.0, errors=errors)
    start = min(report[1] for report in reports)
    end = max(report[2] for report in reports)
    return RunResult(total, end - start, sum(report[3] for report in reports))


# --------------------------------------------------------------------------- main

TX_CONTROL = {"BEGIN", "COMMIT"}


def warn_if_busy() -> None:
    """Everything here shares the machine with PostgreSQL: other work skews the figures."""
    busy = cpu_busy()
    if busy > 0.2:
        log(f"warning: the CPUs are {busy:.0%} busy before the run; the figures will be low")


def cpu_busy(seconds: float = 2.0) -> float:
    """The share of CPU time spent on anything but idling, over `seconds` (Linux)."""

    def sample() -> tuple[int, int]:
        fields = [int(value) for value in Path("/proc/stat").read_text().split()[1:9]]
        idle = fields[3] + fields[4]  # idle + iowait
        return sum(fields) - idle, sum(fields)

    if not Path("/proc/stat").exists():
        return 0.0
    busy_before, total_before = sample()
    time.sleep(seconds)
    busy_after, total_after = sample()
    return (busy_after - busy_before) / max(1, total_after - total_before)


def queries_per_submission(user_id: int) -> list[str]:
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.accounts.models import User
    from apps.registrations.services import file_registration

    user = User.objects.get(pk=user_id)
    file_registration(  # warm: program loaded, connection open
        user, program_slug=settings.REGISTRY_DEFAULT_PROGRAM, for_child=False,
        data=make_form(99, 0), language="en", idempotency_key=None,
    )  # fmt: skip
    with CaptureQueriesContext(connection) as captured:
        file_registration(
            user, program_slug=settings.REGISTRY_DEFAULT_PROGRAM, for_child=False,
            data=make_form(99, 1), language="en", idempotency_key=None,
        )  # fmt: skip
    return [query["sql"] for query in captured.captured_queries]


def profile(count: int, user_id: int) -> None:
    """Profile `count` filings in this process; print the top functions and queries."""
    for statement in queries_per_submission(user_id):
        print(f"  {statement[:110]}")
    profiler = cProfile.Profile()
    started = time.perf_counter()
    service_worker(0, count, user_id, profiler.enable, lambda: None)
    profiler.disable()
    seconds = time.perf_counter() - started
    print(f"{count} filings in one process: {count / seconds:.0f}/s under cProfile")
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(15)
    stats.print_stats(r"/(apps|registry)/", 20)  # the project's own functions


def verify_audit_log() -> None:
    """Speed that breaks the audit chains is no speed: check every chain the run wrote."""
    from apps.audit.services import verify

    report = verify()
    if not report.ok:
        sys.exit(f"The audit log is broken after the service phase: {report.problem}")
    log(f"  audit log verified: {report.entries_checked} entries, {report.chains_checked} chains")


def run_checked(label: str, work: Worker, count: int, user_ids: list[int]) -> RunResult:
    clean(DATA_TABLES)
    result = run_processes(label, work, count, user_ids)
    if result.errors:
        sys.exit(f"{label} failed:\n" + "\n".join(result.errors))
    log(
        f"  {label}: {result.submissions} in {result.seconds:.2f} s = {result.rate:.0f}/s; "
        f"{result.cpu_ms_per_filing:.2f} ms of Python CPU per filing"
    )
    return result


def combined(results: list[RunResult]) -> RunResult:
    return RunResult(
        sum(r.submissions for r in results),
        sum(r.seconds for r in results),
        sum(r.cpu_seconds for r in results),
    )


def measure(
    count: int, rounds: int, user_ids: list[int]
) -> tuple[RunResult, RunResult, RunResult, RunResult]:
    """Service and plain SQL: half the filings in one process each, then `count` filings
    in one process per user, in rounds that alternate the two so that any other load on
    the machine hits both alike. Returns (service 1, plain 1, service W, plain W)."""
    service_1 = run_checked("service, 1 process", service_worker, count // 2, user_ids[:1])
    rows = count_rows()
    index_rows = round(rows["registrations_blindindexentry"] / (count // 2))
    log(f"  rows: {rows}")
    verify_audit_log()
    plain_work = functools.partial(plain_worker, index_rows=index_rows)
    plain_1 = run_checked("plain SQL, 1 process", plain_work, count // 2, user_ids[:1])
    service_w: list[RunResult] = []
    plain_w: list[RunResult] = []
    for r in range(rounds):
        share = count // rounds + (1 if r < count % rounds else 0)
        where = f"{len(user_ids)} processes, round {r + 1}/{rounds}"
        service_w.append(run_checked(f"service, {where}", service_worker, share, user_ids))
        verify_audit_log()
        plain_w.append(run_checked(f"plain SQL, {where}", plain_work, share, user_ids))
    return service_1, plain_1, combined(service_w), combined(plain_w)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="filings per phase (2000)")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 2, help="worker processes (one per core)"
    )
    parser.add_argument(
        "--rounds", type=int, default=4, help="alternating service / plain SQL rounds (4)"
    )
    parser.add_argument("--clients", type=int, default=32, help="concurrent HTTP clients (32)")
    parser.add_argument("--per-client", type=int, default=25, help="POSTs per HTTP client (25)")
    parser.add_argument(
        "--server-workers", type=int, default=(os.cpu_count() or 2) + 1,
        help="gunicorn worker processes (cores + 1: PostgreSQL and the clients share the cores)",
    )  # fmt: skip
    parser.add_argument("--http-seconds", type=float, default=90, help="HTTP time limit (90)")
    parser.add_argument("--skip-http", action="store_true", help="phases 1 and 2 only")
    parser.add_argument("--profile", type=int, metavar="N", help="profile N filings; no bench")
    parser.add_argument(
        "--allow-any-database", action="store_true",
        help="run on a database whose name does not end in _bench (its data is erased)",
    )  # fmt: skip
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    config = database_settings(args.allow_any_database)
    create_database_if_missing(config)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    clean(ALL_TABLES)
    user_ids = create_users("filer", args.workers)
    if args.profile:
        profile(args.profile, user_ids[0])
        return

    statements = [q for q in queries_per_submission(user_ids[0]) if q not in TX_CONTROL]
    pg_version = execute("SHOW server_version")[0][0].split()[0]
    log(
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"Django {django.get_version()}, PostgreSQL {pg_version}; "
        f"{len(statements)} statements per filing, plus BEGIN and COMMIT"
    )
    warn_if_busy()

    service_1, plain_1, service, plain = measure(args.n, args.rounds, user_ids)

    http: HttpResult | None = None
    if not args.skip_http:
        clean(DATA_TABLES)
        client_ids = create_users("client", args.clients)
        http = run_http(
            args.clients, args.per_client, args.server_workers, args.http_seconds, client_ids
        )
        log(f"  http: {len(http.latencies_ms)} filings in {http.seconds:.2f} s")
        if http.errors:
            log(f"  http: {len(http.errors)} errors, first: {http.errors[0]}")
    clean(ALL_TABLES)

    ratio = service.rate / plain.rate
    rows_out = [
        (f"filings/s, {args.workers} processes", f"{service.rate:.0f}", f"{plain.rate:.0f}",
         f"{ratio:.2f}", f">= {GOAL_RATE:.0f}/s", yes_no(service.rate >= GOAL_RATE)),
        ("service / plain SQL", f"{ratio:.2f}", "1.00", "", f">= {GOAL_RATIO}",
         yes_no(ratio >= GOAL_RATIO)),
        ("filings/s, 1 process", f"{service_1.rate:.0f}", f"{plain_1.rate:.0f}",
         f"{service_1.rate / plain_1.rate:.2f}", "", ""),
    ]  # fmt: skip
    if http:
        rows_out += [
            (f"HTTP p{p} ms, {args.clients} clients", f"{http.percentile(p):.0f}", "", "", "", "")
            for p in (50, 95, 99)
        ]
        rows_out.append(("HTTP filings/s", f"{http.rate:.0f}", "", "", "", ""))
    print()
    print(f"N={args.n}, {args.workers} processes, {os.cpu_count()} cores, PostgreSQL {pg_version}")
    if http:
        print(
            f"HTTP: {http.server}; {len(http.latencies_ms)} filings, {len(http.errors)} errors, "
            f"{http.stopped} clients stopped at the time limit"
        )
    print(table(rows_out))


if __name__ == "__main__":
    main()
