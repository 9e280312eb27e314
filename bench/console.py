"""Console benchmark: queue pages, blind-index search and opening a case at a million
cases, each against the same query in plain SQL measured in the same run.

1. Load N synthetic cases by COPY (person, registration with random bytes the size of a
   sealed form, three blind-index rows), building the secondary indexes after the load.
   S of them get real blind-index digests of made-up names and documents to search for;
   F more are filed through `file_registration` (real keys and ciphertexts) to be opened.
2. Measure, sample by sample in turn (so other load on the machine hits all alike):
   - queue: `queries.queue_page` (first and deep pages; by office and state, by state,
     assigned to me, overdue) vs the same keyset query in SQL; and the whole page,
     GET /console/ through the middleware, session, authenticator check and template;
   - search: `find_by_name_and_birth` / `find_by_document` (HMAC included) vs the same
     lookup in SQL with the digest ready; and the whole page, POST /console/search/;
   - case open: `services.open_case` (unwrap key, decrypt, audit entry, one transaction)
     vs SQL that reads the same rows and writes the same audit rows without crypto; and
     the whole page, POST /console/cases/<number>/record/.

It erases its database, so it refuses one whose name does not end in `_bench`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/registry_console_bench \\
        .venv/bin/python bench/console.py
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import functools
import os
import random
import secrets
import sys
import time
import types
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/registry_console_bench"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
# The production configuration: DEBUG off (no query log, cached templates), real-size
# secrets that are thrown away after the run, like the data.
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")  # no line per sign-in from django-axes
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
if "REGISTRY_MASTER_KEY_FILE" not in os.environ:
    os.environ.setdefault("REGISTRY_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())

import dj_database_url  # noqa: E402 - the environment above must be set first
import psycopg  # noqa: E402
from intake import conninfo, create_database_if_missing  # noqa: E402 - shared with intake
from psycopg import sql  # noqa: E402
from report import log, show_progress, table, yes_no  # noqa: E402
from workload import PASSWORD, make_form  # noqa: E402

GOAL_P95_MS = 25.0
TABLES = ("registrations_person", "registrations_registration", "registrations_blindindexentry")
STATES = {  # share of cases in each state
    "submitted": 22,
    "evidence_requested": 4,
    "biometrics_scheduled": 12,
    "biometrics_captured": 8,
    "registered": 46,
    "rejected": 4,
    "withdrawn": 3,
    "departed": 1,
}
QUEUE_STATES = ("submitted", "evidence_requested", "biometrics_scheduled", "biometrics_captured")
OFFICES = [f"OF{k:02d}" for k in range(1, 25)]  # Zipf-sized: OF01 holds a quarter of cases
OFFICE_WEIGHTS = [1 / k for k in range(1, 25)]
NOW = dt.datetime.now(dt.UTC)
NAMESPACE = uuid.UUID("6f1c2a48-9d0e-4c57-9a4e-0c1d5e3b7a21")
ROW_SQL = (
    "SELECT r.id, r.case_number, r.state, r.office_code, r.submitted_at, r.due_on, u.username"
    " FROM registrations_registration r LEFT JOIN accounts_user u ON u.id = r.assigned_to_id"
)

# --------------------------------------------------------------------------- database


def database_config() -> dict[str, Any]:
    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    if config.get("ENGINE") != "django.db.backends.postgresql":
        sys.exit("bench/console.py measures PostgreSQL: set DATABASE_URL to a postgres:// URL")
    if not str(config["NAME"]).endswith("_bench"):
        sys.exit(
            f"The benchmark erases every case in {config['NAME']!r}: use a database whose "
            f"name ends in _bench, e.g. DATABASE_URL={DEFAULT_URL}"
        )
    return dict(config)


# --------------------------------------------------------------------------- loading


def erase_and_create_users(officers: int) -> tuple[int, list[int]]:
    """Empty every table the run writes; return (filer id, officer ids). The first
    officer is "olu", who runs the pages."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from apps.accounts.models import User

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE accounts_user, audit_auditentry, audit_auditchainhead, vault_subjectkey,"
            " django_session RESTART IDENTITY CASCADE"
        )
    hashed = make_password(PASSWORD)
    people = [("filer@bench.example", "registrant")] + [
        ("olu@bench.example" if i == 0 else f"officer{i}@bench.example", "officer")
        for i in range(officers)
    ]
    users = User.objects.bulk_create(
        User(username=email, email=email, password=hashed, role=role) for email, role in people
    )
    return users[0].pk, [user.pk for user in users[1:]]


def person_id(i: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, str(i))


def searchable(k: int) -> dict[str, str]:
    """The k-th made-up person the search phase looks for."""
    family = ("Haddad", "Garcia", "Nguyen", "Okafor", "Kowalski", "Ivanova", "Mendes")[k % 7]
    return {
        "family": f"{family} {chr(65 + k % 26)}{chr(65 + k // 26 % 26)}{k}",
        "given": ("Amal Noor", "Yusuf", "Lucia Maria", "Minh", "Chidi", "Anna")[k % 6],
        "birth": (dt.date(1950, 1, 1) + dt.timedelta(days=k * 7 % 20000)).isoformat(),
        "document": f"C{k:08d}",
    }


def digests(k: int) -> list[tuple[str, str]]:
    from apps.vault import blind_index

    p = searchable(k)
    return [
        ("name_birth", blind_index.name_birth_index(p["family"], p["given"], p["birth"])),
        ("family_birth", blind_index.family_name_birth_index(p["family"], p["birth"])),
        ("document", blind_index.document_index(p["document"])),
    ]


COPY_COLUMNS = {
    "registrations_person": "id:uuid program:text created_at:timestamptz",
    "registrations_registration": "id:uuid person_id:uuid program:text program_version:text"
    " state:text case_number:text filed_by_id:int8 for_child:bool language:text"
    " form_sealed:bytea request_digest:text created_at:timestamptz updated_at:timestamptz"
    " submitted_at:timestamptz office_code:text assigned_to_id:int8 due_on:date",
    "registrations_blindindexentry": "person_id:uuid kind:text digest:text",
}


def load(conn: psycopg.Connection[Any], n: int, step: int, filer: int, officers: list[int]) -> None:
    """N cases by COPY in batches of 100 000, secondary indexes dropped first and built
    after; foreign-key triggers off during the load (the rows are consistent by
    construction). Every `step`-th person gets the digests of `searchable(i // step)`."""
    rng = random.Random(2025)
    indexes = conn.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname"
        " NOT IN (SELECT conname FROM pg_constraint)",
        [list(TABLES)],
    ).fetchall()
    for name, _ in indexes:
        conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    conn.execute("SET session_replication_role = replica")
    numbers = case_numbers(rng, n)
    for start in range(0, n, 100_000):
        rows: dict[str, list[tuple[Any, ...]]] = {table_name: [] for table_name in TABLES}
        for i in range(start, min(n, start + 100_000)):
            person, case = synthetic_case(rng, i, numbers[i], filer, officers)
            rows["registrations_person"].append(person)
            rows["registrations_registration"].append(case)
            kinds = digests(i // step) if i % step == 0 else random_digests(rng)
            rows["registrations_blindindexentry"].extend((person[0], k, d) for k, d in kinds)
        with conn.transaction():
            for table_name, table_rows in rows.items():
                copy_rows(conn, table_name, table_rows)
        show_progress("cases loaded", i + 1, n)
    show_progress("", 0, 0, done=True)
    conn.execute("SET session_replication_role = DEFAULT")
    conn.execute("SET maintenance_work_mem = '512MB'")
    for number, (name, definition) in enumerate(indexes, 1):
        log(f"  index {number}/{len(indexes)}: {name}")
        conn.execute(definition)
    conn.commit()
    log("  vacuum analyze")
    with psycopg.connect(conn.info.dsn, autocommit=True) as vacuum:
        for table_name in TABLES:
            vacuum.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(table_name)))


def case_numbers(rng: random.Random, n: int) -> list[str]:
    """`n` distinct well-formed case numbers (a million random ones would repeat)."""
    from apps.registrations.case_numbers import ALPHABET, prefix_for

    prefix, bodies = prefix_for("us-2025"), set[str]()
    while len(bodies) < n:
        bodies.add("".join(rng.choices(ALPHABET, k=8)))
    numbers = []
    for body in bodies:
        check = ALPHABET[sum((j + 1) * ALPHABET.index(c) for j, c in enumerate(body)) % 32]
        numbers.append(f"{prefix}-{body[:4]}-{body[4:]}{check}")
    return numbers


def synthetic_case(
    rng: random.Random, i: int, number: str, filer: int, officers: list[int]
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """(person row, registration row): filed in the last two years, due 60 days later,
    three in ten open cases assigned, a random form the size of a sealed one."""
    submitted = NOW - dt.timedelta(seconds=rng.uniform(3600, 730 * 86400))
    state = rng.choices(list(STATES), list(STATES.values()))[0]
    assigned = rng.choice(officers) if state in QUEUE_STATES and rng.random() < 0.3 else None
    office = rng.choices(OFFICES, OFFICE_WEIGHTS)[0]
    form = rng.randbytes(int(rng.gauss(700, 60)))
    due = (submitted + dt.timedelta(days=60)).date()
    case_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    person = (person_id(i), "us-2025", submitted)
    case = (case_id, person[0], "us-2025", "bench", state, number, filer, False, "en", form, "")
    return person, (*case, submitted, submitted, submitted, office, assigned, due)


def random_digests(rng: random.Random) -> list[tuple[str, str]]:
    return [(kind, rng.randbytes(32).hex()) for kind in ("name_birth", "family_birth", "document")]


def copy_rows(conn: psycopg.Connection[Any], table_name: str, rows: list[Any]) -> None:
    columns = [spec.split(":") for spec in COPY_COLUMNS[table_name].split()]
    target = f"{table_name} ({', '.join(name for name, _ in columns)})"
    with conn.cursor().copy(f"COPY {target} FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types([type_ for _, type_ in columns])
        for row in rows:
            copy.write_row(row)


def synthetic_count(conn: psycopg.Connection[Any]) -> int:
    found = conn.execute(
        "SELECT count(*) FROM registrations_registration WHERE program_version = 'bench'"
    ).fetchone()
    return int(found[0]) if found else 0


def reuse_cases(conn: psycopg.Connection[Any], n: int, step: int) -> list[int]:
    """Keep the synthetic cases; drop what the last run filed or wrote, and give the
    searchable people digests under this run's index key. Returns the officer ids."""
    with conn.transaction():
        conn.execute(
            "TRUNCATE audit_auditentry, audit_auditchainhead, vault_subjectkey, django_session,"
            " otp_totp_totpdevice, registrations_casetransition, registrations_casenote"
        )
        real = [
            row[0]
            for row in conn.execute(
                "SELECT person_id FROM registrations_registration WHERE program_version <> 'bench'"
            )
        ]
        conn.execute("DELETE FROM registrations_blindindexentry WHERE person_id = ANY(%s)", [real])
        conn.execute("DELETE FROM registrations_registration WHERE person_id = ANY(%s)", [real])
        conn.execute("DELETE FROM registrations_person WHERE id = ANY(%s)", [real])
        with conn.cursor() as cursor:
            cursor.executemany(
                "UPDATE registrations_blindindexentry SET digest = %s"
                " WHERE person_id = %s AND kind = %s",
                [
                    (digest, person_id(i), kind)
                    for i in range(0, n, step)
                    for kind, digest in digests(i // step)
                ],
            )
    log(f"reusing {n} synthetic cases")
    officers = conn.execute(
        "SELECT id FROM accounts_user WHERE role = 'officer' ORDER BY id"
    ).fetchall()
    return [row[0] for row in officers]


def file_real_cases(count: int) -> list[Any]:
    """Cases filed through the service (real keys, real ciphertexts), spread over the
    offices and queues like the others, for the case-open phase."""
    from django.db.models import F

    from apps.accounts.models import User
    from apps.registrations.models import Registration
    from apps.registrations.services import file_registration

    filer = User.objects.get(username="filer@bench.example")
    rng = random.Random(7)
    filed = []
    for i in range(count):
        registration, _ = file_registration(
            filer,
            program_slug="us-2025",
            for_child=False,
            data=make_form(77, i),
            language="en",
            idempotency_key=None,
        )
        Registration.objects.filter(pk=registration.pk).update(
            state=rng.choice(QUEUE_STATES),
            office_code=rng.choice(OFFICES[:6]),
            submitted_at=F("submitted_at") - dt.timedelta(days=rng.uniform(0, 700)),
        )
        filed.append(registration)
        show_progress("real cases filed", i + 1, count)
    show_progress("", 0, 0, done=True)
    return filed


# --------------------------------------------------------------------------- measuring


def signed_in_client(user_id: int) -> Any:
    """Olu's browser: signed in, with a confirmed authenticator in the session."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.accounts.models import User

    user = User.objects.get(pk=user_id)
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def console_urls() -> types.ModuleType:
    """The project's URLs with the console at /console/, whether or not
    registry/urls.py mounts it yet."""
    from django.urls import URLResolver, include, path

    from registry.urls import urlpatterns

    module = types.ModuleType("bench_console_urls")
    mounted = any(isinstance(p, URLResolver) and p.namespace == "console" for p in urlpatterns)
    extra = [] if mounted else [path("console/", include("apps.console.urls"))]
    module.urlpatterns = [*urlpatterns, *extra]  # type: ignore[attr-defined]
    return module


Sample = tuple[str, list[Callable[[], Any]]]  # (variant, [ours, baseline, whole page])


def timed(samples: list[Sample], label: str) -> tuple[list[list[float]], list[str]]:
    """Run each sample's callables in turn (rotating which goes first): ms per callable,
    and the variant of each sample."""
    times: list[list[float]] = [[] for _ in samples[0][1]]
    for n, (_variant, calls) in enumerate(samples):
        order = list(range(len(calls)))
        order = order[n % len(order) :] + order[: n % len(order)]
        for i in order:
            started = time.perf_counter()
            calls[i]()
            times[i].append((time.perf_counter() - started) * 1000)
        show_progress(label, n + 1, len(samples))
    show_progress("", 0, 0, done=True)
    return times, [variant for variant, _ in samples]


def by_variant(times: list[list[float]], variants: list[str]) -> list[str]:
    """p50 / p95 of the query and of the whole page for each variant of a phase."""
    lines = []
    for variant in sorted(set(variants)):
        picked = [i for i, v in enumerate(variants) if v == variant]
        ours, baseline, page = ([t[i] for i in picked] for t in times)
        lines.append(
            f"  {variant:<28} n={len(picked):<4} query {ms(ours)}  SQL {ms(baseline)}"
            f"  page {ms(page)}"
        )
    return lines


def ms(values: list[float]) -> str:
    return f"{percentile(values, 50):.1f} / {percentile(values, 95):.1f}"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def queue_samples(raw: Any, client: Any, olu: Any, count: int) -> list[Sample]:
    from django.utils import timezone

    from apps.console.queries import Cursor, QueueFilter, queue_page

    today = timezone.localdate()
    deep = raw.execute(
        "SELECT office_code, state, submitted_at, id FROM registrations_registration"
        " TABLESAMPLE SYSTEM (0.5) WHERE state = ANY(%s) LIMIT %s",
        [list(QUEUE_STATES), count],
    ).fetchall()
    samples = []
    for n in range(count):
        office, state, at, ident = deep[n % len(deep)]
        kind = n % 10
        filters = QueueFilter(
            state=state,
            office_code="" if kind == 7 else office,
            assigned="me" if kind == 8 else "",
            overdue_only=kind == 9,
        )
        cursor = Cursor(at, ident) if n // 10 % 2 else None  # first pages and deep ones
        where, params = ["r.state = %s", "r.submitted_at IS NOT NULL"], [state]
        if filters.office_code:
            where.append("r.office_code = %s")
            params.append(office)
        if filters.assigned == "me":
            where.append("r.assigned_to_id = %s")
            params.append(olu.pk)
        if filters.overdue_only:
            where.append("r.due_on < %s")
            params.append(today)
        if cursor:
            where.append("(r.submitted_at, r.id) > (%s, %s)")
            params += [at, ident]
        statement = f"{ROW_SQL} WHERE {' AND '.join(where)} ORDER BY r.submitted_at, r.id LIMIT 51"
        query = {"state": state, "office": filters.office_code, "assigned": filters.assigned}
        query |= {"overdue": "on"} if filters.overdue_only else {}
        query |= {"after": cursor.encode()} if cursor else {}
        variant = {7: "by state", 8: "assigned to me", 9: "overdue"}.get(kind, "office + state")
        variant += ", deep page" if cursor else ", first page"
        calls = [
            lambda f=filters, c=cursor: queue_page(olu, f, after=c, today=today),
            lambda s=statement, p=params: raw.execute(s, p).fetchall(),
            lambda q=query: check(client.get("/console/", q)),
        ]
        samples.append((variant, calls))
    return samples


def search_samples(raw: Any, client: Any, kind: str, people: int, count: int) -> list[Sample]:
    from django.utils import timezone

    from apps.console import queries

    today = timezone.localdate()
    rng = random.Random(kind)
    statement = (
        f"{ROW_SQL} WHERE r.person_id IN (SELECT person_id FROM registrations_blindindexentry"
        " WHERE kind = %s AND digest = %s) AND r.submitted_at IS NOT NULL AND r.state <> 'draft'"
        " ORDER BY r.submitted_at, r.id LIMIT 50"
    )
    samples = []
    for n in range(count):
        k = rng.randrange(people) if n % 10 else people + n  # one search in ten misses
        p, (by_name, _, by_document) = searchable(k), digests(k)
        birth = dt.date.fromisoformat(p["birth"])
        if kind == "name":
            ours = functools.partial(
                queries.find_by_name_and_birth, p["family"], p["given"], birth, today=today
            )
            params = list(by_name)
            form = {"family_name": p["family"], "given_names": p["given"], "birth_date": p["birth"]}
        else:
            ours = functools.partial(queries.find_by_document, p["document"], today=today)
            params, form = list(by_document), {"document_number": p["document"]}
        calls = [
            ours,
            lambda p=params: raw.execute(statement, p).fetchall(),
            lambda f=form: check(client.post("/console/search/", f)),
        ]
        samples.append(("hit" if n % 10 else "miss", calls))
    return samples


def open_samples(raw: Any, client: Any, olu: Any, cases: list[Any], count: int) -> list[Sample]:
    from apps.console.services import open_case
    from apps.registrations.access import StatedPurpose
    from apps.registrations.models import Registration

    purpose = StatedPurpose("case-processing")
    samples = []
    for n in range(count):
        case = Registration.objects.select_related("person").get(pk=cases[n % len(cases)].pk)
        page = f"/console/cases/{case.case_number}/record/"
        calls = [
            lambda c=case: open_case(olu, c, purpose),
            lambda c=case: plain_open(raw, olu.pk, c),
            lambda p=page: check(client.post(p, {"purpose": "case-processing"})),
        ]
        samples.append(("open", calls))
    return samples


def dashboard_samples(raw: Any, client: Any, count: int) -> list[Sample]:
    from django.utils import timezone

    from apps.console.dashboard import dashboard

    today = timezone.localdate()
    since = timezone.now() - dt.timedelta(days=14)
    statements = [
        (
            "SELECT office_code, count(*), count(*) FILTER (WHERE due_on < %s)"
            " FROM registrations_registration WHERE state = ANY(%s) GROUP BY office_code",
            [today, list(QUEUE_STATES)],
        ),
        (
            "SELECT r.office_code, count(*) FROM registrations_casetransition t JOIN"
            " registrations_registration r ON r.id = t.registration_id WHERE t.to_state"
            " IN ('registered', 'rejected') AND t.at >= %s GROUP BY r.office_code",
            [since],
        ),
        (
            "SELECT t.at::date, count(*) FROM registrations_casetransition t WHERE t.to_state"
            " IN ('registered', 'rejected') AND t.at >= %s GROUP BY 1",
            [since],
        ),
    ]
    calls = [
        lambda: dashboard(today),
        lambda: [raw.execute(q, p).fetchall() for q, p in statements],
        lambda: check(client.get("/console/dashboard/")),
    ]
    return [("dashboard", calls) for _ in range(count)]


def plain_open(raw: Any, actor: int, case: Any) -> None:
    """What open_case reads and writes, in SQL, without crypto; on a chain of its own
    ("bench:…") so the real chains stay verifiable."""
    chain, person = f"bench:{case.person_id}", case.person_id
    with raw.transaction():
        raw.execute("SELECT program FROM registrations_person WHERE id = %s", [person])
        raw.execute(
            "SELECT id, case_number, state, form_sealed FROM registrations_registration"
            " WHERE person_id = %s ORDER BY created_at",
            [person],
        ).fetchall()
        raw.execute("SELECT wrapped_key FROM vault_subjectkey WHERE subject_id = %s", [person])
        head = raw.execute(
            "SELECT seq FROM audit_auditchainhead WHERE chain = %s FOR UPDATE", [chain]
        ).fetchone()
        seq = head[0] + 1 if head else 1
        raw.execute(
            "INSERT INTO audit_auditentry (chain, seq, at, actor_id, actor_role, action,"
            " subject_id, object_type, object_id, purpose, legal_basis, reference, detail,"
            " prev_hash, hash) VALUES (%s, %s, now(), %s, 'officer', 'read', %s,"
            " 'registration', %s, 'case-processing', 'INA', '', '{}', %s, %s)",
            [chain, seq, actor, person, case.case_number, "0" * 64, secrets.token_hex(32)],
        )
        raw.execute(
            "INSERT INTO audit_auditchainhead (chain, seq, head_hash) VALUES (%s, %s, '')"
            " ON CONFLICT (chain) DO UPDATE SET seq = EXCLUDED.seq",
            [chain, seq],
        )
        raw.execute("SELECT id FROM registrations_casenote WHERE registration_id = %s", [case.id])


def check(response: Any) -> None:
    if response.status_code != 200:
        sys.exit(f"the page answered {response.status_code}: {response.content[:300]!r}")


def queue_plan() -> str:
    """How PostgreSQL runs a deep page of the largest queue, as the console asks for it."""
    from apps.registrations.models import Registration

    queue = Registration.objects.filter(office_code="OF01", state="submitted")
    cursor = queue.order_by("submitted_at", "id")[min(25_000, queue.count() // 2)]
    page = (
        queue.filter(submitted_at__gte=cursor.submitted_at)
        .exclude(submitted_at=cursor.submitted_at, id__lte=cursor.id)
        .order_by("submitted_at", "id")
    )
    plan = page.values_list("id", "case_number")[:51].explain(analyze=True)
    return "\n".join(line for line in plan.splitlines() if "Index" in line or "Execution" in line)


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="synthetic cases (1000000)")
    parser.add_argument("--samples", type=int, default=400, help="samples per metric (400)")
    parser.add_argument("--real", type=int, default=200, help="cases filed for real (200)")
    parser.add_argument("--searchable", type=int, default=2000, help="people to find (2000)")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the synthetic cases of a run with the same --n"
    )
    args = parser.parse_args()
    config = database_config()
    create_database_if_missing(config)

    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings

    from apps.accounts.models import User

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    step = max(1, args.n // args.searchable)
    with psycopg.connect(conninfo(config)) as conn:
        if args.reuse and synthetic_count(conn) == args.n:
            officers = reuse_cases(conn, args.n, step)
        else:
            filer, officers = erase_and_create_users(40)
            conn.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
            conn.commit()
            load(conn, args.n, step, filer, officers)
    real = file_real_cases(args.real)
    log(f"{args.n} + {args.real} cases ready in {time.perf_counter() - started:.0f} s")

    olu = User.objects.get(pk=officers[0])
    raw = psycopg.connect(conninfo(config), autocommit=True, prepare_threshold=None)
    results: list[tuple[str, tuple[list[list[float]], list[str]], bool]] = []
    with override_settings(ROOT_URLCONF=console_urls()):
        client = signed_in_client(olu.pk)
        warm = min(30, args.samples)
        people = len(range(0, args.n, step))
        phases: list[tuple[str, Callable[[int], list[Sample]], bool]] = [
            ("queue page", lambda c: queue_samples(raw, client, olu, c), True),
            (
                "search by name + birth",
                lambda c: search_samples(raw, client, "name", people, c),
                True,
            ),
            ("search by document", lambda c: search_samples(raw, client, "doc", people, c), True),
            ("case open, audit write", lambda c: open_samples(raw, client, olu, real, c), False),
        ]
        for label, make, goal in phases:
            timed(make(warm), f"{label} (warm-up)")
            results.append((label, timed(make(args.samples), label), goal))
        # Aggregates over every open case: a few samples say enough.
        sam, _ = User.objects.get_or_create(
            username="sam@bench.example",
            defaults={"email": "sam@bench.example", "role": "supervisor"},
        )
        runs = dashboard_samples(raw, signed_in_client(sam.pk), max(5, args.samples // 20))
        results.append(("dashboard", timed(runs, "dashboard"), False))
    plan = queue_plan()
    raw.close()

    rows, details = [], []
    for label, ((ours, baseline, page), variants), goal in results:
        if len(set(variants)) > 1:
            details += [f"{label}:", *by_variant([ours, baseline, page], variants)]
        ratio = percentile(ours, 95) / percentile(baseline, 95)
        met = percentile(page, 95) < GOAL_P95_MS
        rows += [
            (f"{label}: query ms p50 / p95", ms(ours), ms(baseline), f"{ratio:.2f}", "", ""),
            (
                f"{label}: whole page ms p50 / p95",
                ms(page),
                "",
                "",
                f"p95 < {GOAL_P95_MS:.0f}" if goal else "",
                yes_no(met) if goal else "",
            ),
        ]
    with psycopg.connect(conninfo(config)) as conn:
        pg_version = conn.execute("SHOW server_version").fetchone()[0].split()[0]  # type: ignore[index]
    print()
    print(
        f"N={args.n} cases (+{args.real} filed for real), {args.samples} samples per metric, "
        f"{os.cpu_count()} cores, PostgreSQL {pg_version}"
    )
    print(table(rows))
    print("\nBy variant (ms p50 / p95):")
    print("\n".join(details))
    print("\nA deep page of the largest queue (office OF01, submitted), EXPLAIN ANALYZE:")
    print(plan)


if __name__ == "__main__":
    main()
