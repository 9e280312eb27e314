"""Statistics release benchmark: the time to count a large month with the per-person
contribution bound, next to the floor measured in the same run.

1. **ours**: `apps.transparency.counting.true_tables` for the four registration tables
   of one month (each person counted at most once: ROW_NUMBER() over the person, then
   GROUP BY, in the database);
2. **baseline**: the same four GROUP BY COUNT(*) queries over the same rows with no
   bound (the floor of reading them);
3. a whole `release_statistics` (nine tables, OpenDP noise, signing, the ledger row and
   the audit entry), once.

PostgreSQL only, and only a database whose name ends in `_bench`: it erases the
registrations and releases in it and files --n synthetic ones (no personal data: the
rows hold no form).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/registry_stats_bench \\
        .venv/bin/python bench/release_statistics.py --n 300000
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
if "REGISTRY_MASTER_KEY_FILE" not in os.environ:
    os.environ.setdefault("REGISTRY_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())

import dj_database_url  # noqa: E402 - the environment above must be set first
from bench_db import create_database_if_missing  # noqa: E402
from report import log, table  # noqa: E402

GOAL_SECONDS = 10.0  # a month of 300,000 registrations counted in under 10 s
MONTH = "2026-10"
OFFICES = ["PAT", "NWK", "BKN", "LAX", "MIA", "CHI"]
STATES = ["submitted", "biometrics_scheduled", "registered", "registered", "departed"]


def prepare_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    config = dj_database_url.parse(url) if url else {}
    if config.get("ENGINE") != "django.db.backends.postgresql":
        sys.exit("bench/release_statistics.py measures PostgreSQL: set DATABASE_URL")
    if not str(config["NAME"]).endswith("_bench"):
        sys.exit(f"Refusing {config['NAME']!r}: use a database whose name ends in _bench.")
    create_database_if_missing(config)


def fill(n: int) -> None:
    """n registrations in MONTH by about 0.95 n people (every 20th files twice), made
    with one INSERT ... SELECT each; kept for the next run when the count matches."""
    from django.core.management import call_command
    from django.db import connection

    from apps.accounts.models import User
    from apps.appointments.models import Office
    from apps.vault.models import SigningKey

    call_command("migrate", "--no-input", "-v", "0")
    for code in OFFICES[:-1]:  # one office code is not in the office list: "other"
        Office.objects.get_or_create(code=code, defaults={"name": code, "address": code})
    filer, _ = User.objects.get_or_create(username="bench-filer@example.org")
    # Each run has a random master key: a key wrapped by an earlier run cannot sign.
    SigningKey.objects.filter(purpose="statistics").delete()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE transparency_release, transparency_budgetyear")
        cursor.execute("SELECT count(*) FROM registrations_registration")
        if cursor.fetchone()[0] == n:
            log(f"reusing the {n} registrations in {MONTH}")
            return
        cursor.execute("TRUNCATE registrations_registration, registrations_person CASCADE")
        cursor.execute(
            "INSERT INTO registrations_person (id, program, created_at) "
            "SELECT md5('p' || g)::uuid, 'us-2025', now() FROM generate_series(1, %s) g",
            [n],
        )
        cursor.execute(
            "INSERT INTO registrations_registration (id, person_id, program, program_version,"
            " state, case_number, for_child, language, request_digest, created_at, updated_at,"
            " submitted_at, filed_by_id, office_code) "
            "SELECT md5('r' || g)::uuid,"
            " md5('p' || CASE WHEN g %% 20 = 0 THEN g / 2 ELSE g END)::uuid,"
            " CASE WHEN g %% 7 = 0 THEN 'tps-example' ELSE 'us-2025' END, '1',"
            " (%s::text[])[1 + g %% 5], 'B' || g, false, 'en', '', now(), now(),"
            " %s::timestamptz + (g * interval '2000000 seconds' / %s),"
            " %s, (%s::text[])[1 + g %% 6] "
            "FROM generate_series(1, %s) g",
            [STATES, dt.datetime(2026, 10, 1, tzinfo=dt.UTC), n, filer.pk, OFFICES, n],
        )
        cursor.execute("ANALYZE registrations_registration")
    log(f"filed {n} registrations in {MONTH}")


def floor(period: object) -> float:
    from django.db import connection

    from apps.transparency.counting import _bounds

    start, end = _bounds(period)  # type: ignore[arg-type]
    began = time.perf_counter()
    with connection.cursor() as cursor:
        for column in ("program", "state", "office_code", "date_trunc('month', submitted_at)"):
            cursor.execute(
                f"SELECT {column}, COUNT(*) FROM registrations_registration "
                "WHERE submitted_at >= %s AND submitted_at < %s GROUP BY 1",
                [start, end],
            )
            cursor.fetchall()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=300_000, help="registrations in the month")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    prepare_database()
    import django

    django.setup()
    from apps.audit.services import SYSTEM
    from apps.transparency import services
    from apps.transparency.counting import REGISTRATION_TABLES, true_tables
    from apps.transparency.periods import parse_period

    fill(args.n)
    period = parse_period(MONTH)
    ours, base = [], []
    for _ in range(args.rounds):  # alternate, so other load hits both alike
        began = time.perf_counter()
        true_tables(period, REGISTRATION_TABLES, bound=1)
        ours.append(time.perf_counter() - began)
        base.append(floor(period))
    began = time.perf_counter()
    services.release_statistics(SYSTEM, MONTH)
    whole = time.perf_counter() - began
    best, floor_best = min(ours), min(base)
    print(f"statistics benchmark: {args.n} registrations in {MONTH}, best of {args.rounds}")
    print(
        table(
            [
                (
                    "count 4 tables, bound 1 (s)",
                    f"{best:.2f}",
                    f"{floor_best:.2f}",
                    f"{best / floor_best:.1f}x",
                    f"< {GOAL_SECONDS:.0f}",
                    "yes" if best < GOAL_SECONDS else "**no**",
                ),
                ("whole release, 9 tables (s)", f"{whole:.2f}", "-", "-", "-", "-"),
            ]
        )
    )


if __name__ == "__main__":
    main()
