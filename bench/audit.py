"""Audit log benchmark: appends per second and the time to verify a large log, each
next to a baseline measured in the same run.

1. **verify**: `manage.py audit verify`'s function (`apps.audit.services.verify`) over
   a log of --verify-size entries (10 million by default), which it builds once with
   SQL in the benchmark database and reuses on later runs (see `build_log`). The
   baseline is a plain `SELECT` of the same rows through the same server-side cursor,
   with nothing computed: the floor of reading them.
2. **appends**: `apps.audit.services.record` in W processes x T threads, each append in
   its own transaction (and, separately, B appends per transaction), about subjects of
   their own, into the big log; the baseline is a plain INSERT of rows of the same sizes
   into a copy of the log (same columns, indexes and rows; no trigger, no chain), with
   the same writers and transactions. Then `sign_tree_head` sequences what was appended
   (leaves/s).

PostgreSQL only, and only a database whose name ends in `_bench`: it adds to the log,
and `--rebuild` empties the audit tables.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/registry_audit_bench \\
        .venv/bin/python bench/audit.py
"""

from __future__ import annotations

import argparse
import base64
import multiprocessing as mp
import os
import resource
import secrets
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
if "REGISTRY_MASTER_KEY_FILE" not in os.environ:
    os.environ.setdefault("REGISTRY_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())

import dj_database_url  # noqa: E402 - the environment above must be set first
import psycopg  # noqa: E402
from bench_db import conninfo, create_database_if_missing  # noqa: E402
from report import log, table, yes_no  # noqa: E402

APPEND_GOAL = 10_000.0  # appends/s on PostgreSQL
VERIFY_GOAL = 60.0  # seconds for 10 million entries
HEAD_EVERY = 1_000_000  # the built log has a signed head every million leaves


def database_settings() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL", "")
    config = dj_database_url.parse(url) if url else {}
    if config.get("ENGINE") != "django.db.backends.postgresql":
        sys.exit("bench/audit.py measures PostgreSQL: set DATABASE_URL (SQLite is refused)")
    if not str(config["NAME"]).endswith("_bench"):
        sys.exit(f"Refusing {config['NAME']!r}: use a database whose name ends in _bench.")
    return dict(config)


def setup_django() -> None:
    import django

    django.setup()


# ------------------------------------------------------------------ building a big log

_AT = "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"
# Three kinds of entry, by seq: a read with a purpose, a change with a detail, a decision.
_ACTION = "(ARRAY['read','update','decide'])[seq % 3 + 1]"
_DETAIL = """(ARRAY['{}', '{"fields":["address_history"]}', '{"to":"registered"}'])[seq % 3 + 1]"""


def _pass_sql(seq: int) -> str:
    """Entries #seq of every chain in `gen`, with canonical bytes, hash and leaf hash
    computed by PostgreSQL (`verify` recomputes them in Python: a cross-check)."""
    canon = (
        "'[\"v1\",' || to_json(chain)::text || ',' || seq || ',\"' || " + _AT + " || '\",' "
        "|| actor_id || ',\"officer\",\"' || action || '\",' || to_json(subject::text)::text "
        '|| \',"person",\' || to_json(subject::text)::text || \',"case-work","8 CFR 264.1",'
        "\"REF-' || seq || '\",' || detail || ',' || to_json(prev)::text || ']'"
    )
    return f"""
    CREATE TEMP TABLE step AS
    SELECT chain, subject, seq, at, actor_id, action, detail, prev, canon,
           encode(sha256(convert_to(canon, 'UTF8')), 'hex') AS hash,
           sha256('\\x00'::bytea || convert_to(canon, 'UTF8')) AS leaf
    FROM (
        SELECT chain, subject, seq, at, actor_id, action, detail, prev, {canon} AS canon
        FROM (
            SELECT chain, subject, {seq} AS seq, prev,
                   timestamptz '2026-01-01 00:00:00+00'
                     + make_interval(secs => {seq} * 86400 + random() * 80000) AS at,
                   1 + abs(hashtext(chain)) % 50 AS actor_id,
                   {_ACTION.replace("seq", str(seq))} AS action,
                   {_DETAIL.replace("seq", str(seq))} AS detail
            FROM gen
        ) raw
    ) canonical"""


def build_log(conn: psycopg.Connection[Any], size: int, per_chain: int) -> None:
    """Fill the empty audit tables with `size` entries: size / per_chain chains of
    `per_chain` entries, written pass by pass so that ids grow with seq in every chain,
    then leaves in id order. The queue trigger is disabled while it runs (these entries
    are sequenced here, in bulk)."""
    chains = size // per_chain
    log(f"building a log of {chains * per_chain:,} entries ({chains:,} chains)…")
    started = time.perf_counter()
    conn.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_queue")
    conn.execute(
        "CREATE TEMP TABLE gen AS SELECT 's:' || u::text AS chain, u AS subject, "
        f"repeat('0', 64) AS prev FROM (SELECT gen_random_uuid() AS u "
        f"FROM generate_series(1, {chains})) x"
    )
    conn.execute("CREATE TEMP TABLE leafgen (id bigint, leaf bytea)")
    for seq in range(1, per_chain + 1):
        conn.execute(_pass_sql(seq))
        conn.execute("""
            WITH ins AS (
                INSERT INTO audit_auditentry (chain, seq, at, actor_id, actor_role, action,
                    subject_id, object_type, object_id, purpose, legal_basis, reference,
                    detail, prev_hash, hash)
                SELECT chain, seq, at, actor_id, 'officer', action, subject, 'person',
                    subject::text, 'case-work', '8 CFR 264.1', 'REF-' || seq,
                    detail::jsonb, prev, hash
                FROM step ORDER BY chain
                RETURNING id, chain)
            INSERT INTO leafgen SELECT ins.id, step.leaf FROM ins JOIN step USING (chain)""")
        conn.execute("DROP TABLE gen")
        conn.execute("CREATE TEMP TABLE gen AS SELECT chain, subject, hash AS prev, seq FROM step")
        conn.execute("DROP TABLE step")
        log(f"  pass {seq}/{per_chain}: {time.perf_counter() - started:.0f} s")
    conn.execute(
        "INSERT INTO audit_auditchainhead (chain, seq, head_hash, prev_hash) "
        "SELECT chain, seq, prev, '' FROM gen"
    )
    conn.execute(
        "INSERT INTO audit_auditleaf (leaf_index, entry_id, leaf_hash) "
        "SELECT row_number() OVER (ORDER BY id) - 1, id, leaf FROM leafgen"
    )
    conn.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_queue")
    conn.execute("ANALYZE")
    log(f"  entries and leaves written: {time.perf_counter() - started:.0f} s")


def sign_built_log(conn: psycopg.Connection[Any]) -> None:
    """Fold the leaves once (storing interior nodes, as the sequencer does) and sign a
    head every HEAD_EVERY leaves and at the end, with the vault's "audit-head" key."""
    from django.db import transaction

    from apps.audit import merkle, tree
    from apps.audit.models import AuditNode, AuditTreeHead
    from apps.vault import signing

    nodes: list[AuditNode] = []
    frontier = merkle.Frontier(
        on_node=lambda lv, ix, h: nodes.append(AuditNode(level=lv, index=ix, hash=h)),
        min_level=tree.NODE_LEVEL,
    )
    heads = []
    with conn.transaction(), conn.cursor(name="leaves") as cursor:
        cursor.itersize = 50_000
        cursor.execute("SELECT leaf_hash FROM audit_auditleaf ORDER BY leaf_index")
        for (leaf,) in cursor:
            frontier.append(bytes(leaf))
            if frontier.size % HEAD_EVERY == 0:
                heads.append((frontier.size, frontier.root()))
    if not heads or heads[-1][0] != frontier.size:
        heads.append((frontier.size, frontier.root()))
    with transaction.atomic():
        AuditNode.objects.bulk_create(nodes, batch_size=5000)
        for size, root in heads:
            stamp = int(time.time() * 1000)
            signature = signing.sign(
                tree.SIGNING_PURPOSE, merkle.tree_head_message(stamp, size, root)
            )
            AuditTreeHead.objects.create(
                tree_size=size,
                root_hash=root,
                timestamp_ms=stamp,
                kid=signature.kid,
                signature=signature.signature,
            )
    log(f"  {len(nodes):,} interior nodes stored, {len(heads)} heads signed")


# -------------------------------------------------------------------------- verifying


@dataclass
class Timing:
    wall: float  # seconds
    python_cpu: float  # this process (every thread) and the processes it started
    server_cpu: float  # every PostgreSQL process, the ones that ended included


def _postgres_cpu() -> float:
    """CPU seconds of every local PostgreSQL process so far, from /proc: the live ones
    plus, through the postmaster's count of its reaped children, the ones that ended
    (a verification worker's connection ends with it). 0 where /proc is not readable."""
    total = 0
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            stat = stat_file.read_text()
        except OSError:
            continue
        if stat[stat.index("(") + 1 : stat.rindex(")")] != "postgres":
            continue
        fields = stat.rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
        if not (stat_file.parent / "cmdline").read_bytes().startswith(b"postgres:"):
            total += int(fields[13]) + int(fields[14])  # the postmaster: reaped children
    return total / os.sysconf("SC_CLK_TCK")


def _python_cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(work: Any) -> tuple[Timing, Any]:
    server, cpu, started = _postgres_cpu(), _python_cpu(), time.perf_counter()
    result = work()
    return Timing(
        time.perf_counter() - started, _python_cpu() - cpu, _postgres_cpu() - server
    ), result


def run_verify(workers: int) -> Any:
    from apps.audit.services import verify

    reported = [0]

    def progress(done: int) -> None:
        if done // 2_000_000 > reported[0]:
            reported[0] = done // 2_000_000
            log(f"  verified {done:,}")

    return verify(progress=progress, workers=workers)


def plain_read() -> int:
    """The same rows through the same server-side cursor, nothing computed."""
    from django.db import connection, transaction

    from apps.audit.hashing import HASH_FORMAT
    from apps.audit.verify import _PG_ROWS

    count = 0
    with transaction.atomic():
        cursor = connection.chunked_cursor()
        cursor.execute(_PG_ROWS, [HASH_FORMAT])
        while rows := cursor.fetchmany(20_000):
            count += len(rows)
        cursor.close()
    return count


def _read_range(params: dict[str, Any], snapshot: str, bounds: tuple[int, int], out: Any) -> None:
    from apps.audit import parallel
    from apps.audit.hashing import HASH_FORMAT
    from apps.audit.verify import RANGE_ROWS

    with parallel.reading(params, snapshot) as conn:
        count = 0
        with conn.cursor(name="plain") as cursor:
            cursor.execute(RANGE_ROWS, [HASH_FORMAT, *bounds, *bounds])
            while rows := cursor.fetchmany(20_000):
                count += len(rows)
    out.put(count)


def plain_read_parallel(workers: int) -> int:
    """The same rows read as the parallel verification reads them (the same ranges,
    query and snapshot, one process per range), nothing computed."""
    from django.db import connection, transaction

    from apps.audit import parallel

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), min(id), max(id) FROM audit_auditentry")
            snapshot, first, last = cursor.fetchone()
        params = parallel.connection_params(connection.settings_dict)
        ctx = mp.get_context("fork")
        out = ctx.Queue()
        procs = [
            ctx.Process(target=_read_range, args=(params, snapshot, bounds, out))
            for bounds in parallel.ranges((first, last), workers)
        ]
        for proc in procs:
            proc.start()
        count = sum(out.get() for _ in procs)
        for proc in procs:
            proc.join()
    return count


# ---------------------------------------------------------------------------- appends

_PLAIN = """INSERT INTO bench_plain_entry (chain, seq, at, actor_id, actor_role, action,
    subject_id, object_type, object_id, purpose, legal_basis, reference, detail, prev_hash,
    hash) VALUES (%s, %s, now(), %s, 'officer', 'read', %s, 'person', %s, 'case-work',
    '8 CFR 264.1', %s, %s::jsonb, %s, %s)"""


# The same rows in one statement: the baseline of `record_many`.
_PLAIN_MANY = """INSERT INTO bench_plain_entry (chain, seq, at, actor_id, actor_role, action,
    subject_id, object_type, object_id, purpose, legal_basis, reference, detail, prev_hash,
    hash) SELECT chain, seq, now(), %s, 'officer', 'read', subject, 'person', subject::text,
    'case-work', '8 CFR 264.1', reference, %s::jsonb, prev_hash, hash
    FROM unnest(%s::varchar[], %s::bigint[], %s::uuid[], %s::varchar[], %s::varchar[],
        %s::varchar[]) AS v(chain, seq, subject, reference, prev_hash, hash)"""


class Officer:
    pk = 7
    role = "officer"


def _event(subject: uuid.UUID, done: int, actor: Officer) -> Any:
    from apps.audit import services as audit
    from apps.audit.models import Action

    return audit.Event(
        actor=actor,
        action=Action.READ,
        subject_id=subject,
        about={
            "object_type": "person",
            "object_id": str(subject),
            "purpose": "case-work",
            "legal_basis": "8 CFR 264.1",
            "reference": f"REF-{done}",
            "detail": {"fields": ["identity"]},
        },
    )


def _plain_many(subjects: list[uuid.UUID], counters: dict[uuid.UUID, int], done: int) -> None:
    from django.db import connection

    columns: list[list[Any]] = [[], [], [], [], [], []]
    for offset, subject in enumerate(subjects):
        counters[subject] += 1
        row = (f"s:{subject}", counters[subject], subject, f"REF-{done + offset}")
        for column, value in zip(
            columns, (*row, secrets.token_hex(32), secrets.token_hex(32)), strict=True
        ):
            column.append(value)
    with connection.cursor() as cursor:
        cursor.execute(_PLAIN_MANY, [Officer.pk, '{"fields": ["identity"]}', *columns])


def _writer(kind: str, seconds: float, batch: int, start: Any, counts: list[int]) -> None:
    from django.db import connection, transaction

    from apps.audit import services as audit
    from apps.audit.models import Action

    subjects = [uuid.uuid4() for _ in range(500)]
    counters = dict.fromkeys(subjects, 0)
    actor = Officer()
    done = 0
    start.wait()
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        with transaction.atomic():
            if kind == "record_many":
                batch_subjects = [subjects[(done + i) % len(subjects)] for i in range(batch)]
                audit.record_many(
                    [_event(s, done + i, actor) for i, s in enumerate(batch_subjects)]
                )
                done += batch
                continue
            if kind == "plain_many":
                batch_subjects = [subjects[(done + i) % len(subjects)] for i in range(batch)]
                _plain_many(batch_subjects, counters, done)
                done += batch
                continue
            for _ in range(batch):
                subject = subjects[done % len(subjects)]
                if kind == "record":
                    audit.record(
                        actor=actor,
                        action=Action.READ,
                        subject_id=subject,
                        object_type="person",
                        object_id=str(subject),
                        purpose="case-work",
                        legal_basis="8 CFR 264.1",
                        reference=f"REF-{done}",
                        detail={"fields": ["identity"]},
                    )
                else:
                    counters[subject] += 1
                    with connection.cursor() as cursor:
                        cursor.execute(
                            _PLAIN,
                            [
                                f"s:{subject}",
                                counters[subject],
                                actor.pk,
                                subject,
                                str(subject),
                                f"REF-{done}",
                                '{"fields": ["identity"]}',
                                secrets.token_hex(32),
                                secrets.token_hex(32),
                            ],
                        )
                done += 1
    connection.close()
    counts.append(done)


def _process(  # noqa: PLR0917 - a multiprocessing target takes positional arguments
    kind: str, threads: int, seconds: float, batch: int, start: Any, out: Any
) -> None:
    setup_django()
    counts: list[int] = []
    workers = [
        threading.Thread(target=_writer, args=(kind, seconds, batch, start, counts))
        for _ in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.put((len(counts), sum(counts)))


def time_appends(kind: str, processes: int, threads: int, seconds: float, batch: int) -> float:
    """Appends per second of W processes x T threads, each writing for `seconds`."""
    ctx = mp.get_context("fork")
    start, out = ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(target=_process, args=(kind, threads, seconds, batch, start, out))
        for _ in range(processes)
    ]
    for proc in procs:
        proc.start()
    time.sleep(3)  # let every process import Django before the clock starts
    began = time.perf_counter()
    start.set()
    results = [out.get() for _ in procs]
    elapsed = time.perf_counter() - began
    for proc in procs:
        proc.join()
    if sum(finished for finished, _ in results) != processes * threads:
        sys.exit(f"{kind}: a writer failed")
    return sum(count for _, count in results) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verify-size", type=int, default=10_000_000)
    parser.add_argument("--per-chain", type=int, default=10, help="entries per chain")
    parser.add_argument("--rebuild", action="store_true", help="empty the log and build anew")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=15, help="per append phase")
    parser.add_argument(
        "--batches", default="1,10,100", help="appends per transaction, one phase each"
    )
    parser.add_argument(
        "--many",
        default="10,100,1000",
        help="entries per record_many() call (and per transaction), one phase each",
    )
    parser.add_argument(
        "--verify-workers",
        default="1,2",
        help="processes for verification (and its plain read), one run each",
    )
    parser.add_argument("--skip-verify", action="store_true")
    parser.add_argument("--skip-appends", action="store_true")
    args = parser.parse_args()

    config = database_settings()
    create_database_if_missing(config)
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from apps.audit.models import AuditEntry
    from apps.vault import signing

    call_command("migrate", verbosity=0)
    # The key of an earlier run is wrapped by that run's throw-away master key.
    signing.rotate("audit-head")
    with psycopg.connect(conninfo(config), autocommit=True) as conn:
        if args.rebuild:
            conn.execute(
                "TRUNCATE audit_auditentry, audit_auditchainhead, audit_auditleaf, "
                "audit_auditnode, audit_audittreehead, audit_auditpending RESTART IDENTITY"
            )
        if AuditEntry.objects.count() == 0:
            build_log(conn, args.verify_size, args.per_chain)
            sign_built_log(conn)
        if args.rebuild:
            conn.execute("DROP TABLE IF EXISTS bench_plain_entry")
        found = conn.execute("SELECT to_regclass('bench_plain_entry')").fetchone()
        if found is None or found[0] is None:
            # The baseline table is a copy of the log: same columns, indexes and size, so
            # that both insert into B-trees of the same depth. No trigger, no chain.
            log("copying the log into the baseline table…")
            conn.execute("CREATE TABLE bench_plain_entry (LIKE audit_auditentry INCLUDING ALL)")
            conn.execute("INSERT INTO bench_plain_entry SELECT * FROM audit_auditentry")
            conn.execute(
                "SELECT setval(pg_get_serial_sequence('bench_plain_entry', 'id'), max(id)) "
                "FROM bench_plain_entry"
            )
            conn.execute("ANALYZE bench_plain_entry")
    connection.close()

    rows: list[tuple[str, ...]] = []
    if not args.skip_verify:
        for workers in [int(w) for w in args.verify_workers.split(",")]:
            reader = plain_read if workers == 1 else partial(plain_read_parallel, workers)
            read, read_count = timed(reader)
            log(f"plain read of {read_count:,} rows in {workers} process(es): {read}")
            check, report = timed(partial(run_verify, workers))
            log(f"verify in {workers} process(es): {check}")
            if not report.ok:
                sys.exit(f"verify failed: {report.problem}")
            per_10m = check.wall * 10_000_000 / report.entries_checked
            rows.append(
                (
                    f"verify {report.entries_checked:,} entries, {report.heads_checked} heads, "
                    f"{workers} process(es): wall s (CPU s: Python + PostgreSQL)",
                    f"{check.wall:.1f} ({check.python_cpu:.1f} + {check.server_cpu:.1f})",
                    f"{read.wall:.1f} ({read.python_cpu:.1f} + {read.server_cpu:.1f}) plain read",
                    f"{check.wall / read.wall:.2f}",
                    f"< {VERIFY_GOAL:.0f} for 10M (here {per_10m:.1f})",
                    yes_no(per_10m < VERIFY_GOAL),
                )
            )

    writers = f"{args.processes}x{args.threads}"
    batches = [] if args.skip_appends else [int(b) for b in args.batches.split(",")]
    phases = [("record", "plain", batch) for batch in batches]
    if not args.skip_appends:
        phases += [("record_many", "plain_many", int(b)) for b in args.many.split(",")]
    for kind, baseline, batch in phases:
        ours = time_appends(kind, args.processes, args.threads, args.seconds, batch)
        plain = time_appends(baseline, args.processes, args.threads, args.seconds, batch)
        how = "in one record_many() call" if kind == "record_many" else "per transaction"
        rows.append(
            (
                f"appends/s, {writers} writers, {batch} {how}",
                f"{ours:,.0f}",
                f"{plain:,.0f}",
                f"{ours / plain:.2f}",
                f">= {APPEND_GOAL:,.0f}",
                yes_no(ours >= APPEND_GOAL),
            )
        )
        log(rows[-1][0] + f": {ours:,.0f} vs {plain:,.0f}")

    if phases:  # how fast the tree takes in what the writers appended
        rows.append(sequencing_row())
    print(table(rows))


def sequencing_row() -> tuple[str, ...]:
    from apps.audit import tree

    setup_django()
    started = time.perf_counter()
    before = tree.sequenced_size()
    head = tree.sign_tree_head()
    seconds = time.perf_counter() - started
    added = head.tree_size - before
    return (f"sequence + sign {added:,} new entries (leaves/s)", f"{added / seconds:,.0f}",
            "", "", "", "")  # fmt: skip


if __name__ == "__main__":
    main()
