"""Partner benchmark: hit / no-hit queries by registration number and by face probe at a
1M gallery, over HTTP with 16 concurrent clients, against the same queries made by a
direct service call in the same run.

1. Load N synthetic cases by COPY (bench/console.py's loader) and a face index of N
   synthetic embeddings (apps.biometrics.face.synthetic, calibrated on dlib), plus one
   real enrolment: the astronaut's photo through the real capture service, registered.
2. Record 16 agreements (one per client: one partner's rate limit would be the limit
   measured otherwise), approved by a second privacy officer; each client gets a token.
3. Direct: `access.answer` after the look-up, in this process, one query at a time.
   HTTP: gunicorn on 127.0.0.1, 16 client threads, each query on a new connection.
   Half the number queries are hits (registered cases), half no-hits (numbers that do
   not exist); face probes alternate the astronaut (a hit) and Grace Hopper (a no-hit).

It erases its database, so it refuses one whose name does not end in `_bench`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/registry_partner_bench \\
        .venv/bin/python bench/partner.py
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import random
import secrets
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/registry_partner_bench"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("REGISTRY_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())
os.environ.setdefault("REGISTRY_BIOMETRICS_INDEX_DIR", str(ROOT / "var" / "bench-partner-indexes"))

import console as console_bench  # noqa: E402 - bench/console.py: the 1M-case loader
import psycopg  # noqa: E402
from http_load import free_port, percentile, start_server, stop_server  # noqa: E402
from report import log, show_progress  # noqa: E402

FACE_ID_BASE = 1_000_000_000  # synthetic gallery ids, far from real enrolment ids


def load_cases(config: dict[str, Any], n: int) -> None:
    with psycopg.connect(console_bench.conninfo(config)) as conn:
        if console_bench.synthetic_count(conn) == n:
            log(f"cases: reusing the {n} synthetic cases")
            return
        conn.commit()  # end the count's transaction: the TRUNCATE below must not wait on it
        filer, officers = console_bench.erase_and_create_users(2)
        conn.execute(f"TRUNCATE {', '.join(console_bench.TABLES)} RESTART IDENTITY CASCADE")
        conn.commit()
        log(f"cases: loading {n}")
        console_bench.load(conn, n, max(1, n // 1000), filer, officers)


def load_faces(n: int) -> None:
    from apps.biometrics import indexes
    from apps.biometrics.face import synthetic

    sizes = indexes.sizes()
    if sizes.get("face", 0) >= n:
        log(f"faces: reusing the index of {sizes['face']}")
        return
    log(f"faces: building an index of {n} synthetic embeddings")

    def items() -> Any:
        for ids, _centres, captures in synthetic.gallery(n, seed=7, first_id=FACE_ID_BASE):
            yield from zip(ids.tolist(), captures, strict=True)

    indexes.rebuild_face(items(), n, lambda done, total: show_progress("faces", done, total))
    show_progress("", 0, 0, done=True)


def enrol_astronaut() -> None:
    """One real person through filing, capture and the de-duplication search."""
    from apps.accounts.models import User
    from apps.accounts.permissions import Role
    from apps.biometrics import services as biometrics
    from apps.biometrics.face import samples
    from apps.biometrics.tasks import search_enrolment
    from apps.registrations import casework, services
    from apps.registrations.models import CaseState, Registration
    from conftest import VALID_FORM

    user = User.objects.create_user(
        username=f"astro-{uuid.uuid4().hex[:6]}@bench.example",
        email=f"astro-{uuid.uuid4().hex[:6]}@bench.example",
        role=Role.REGISTRANT.value,
    )
    officer = User.objects.filter(role=Role.OFFICER.value).first()
    case, _ = services.file_registration(
        user, program_slug="us-2025", for_child=False, data=VALID_FORM, language="en",
        idempotency_key=None,
    )  # fmt: skip
    case = casework.schedule_biometrics(officer, case, office_code="NWK", reason="bench")
    no_prints = dict.fromkeys(range(1, 11), "unreadable")  # a face-only bench
    enrolment = biometrics.capture(
        officer,
        case,
        biometrics.CaptureInput(photo=samples.png(samples.astronaut()), exceptions=no_prints),
    )
    search_enrolment.call(enrolment.pk)
    Registration.objects.filter(pk=case.pk).update(state=CaseState.REGISTERED)


def partners(clients: int) -> list[Any]:
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.accounts.permissions import Role
    from apps.partners import services

    priya, pia = (
        User.objects.create_user(
            username=f"{n}-{uuid.uuid4().hex[:6]}@bench.example",
            email=f"{n}-{uuid.uuid4().hex[:6]}@bench.example",
            role=Role.PRIVACY_OFFICER.value,
        )
        for n in ("priya", "pia")
    )
    now = timezone.now()
    terms = services.Terms(
        purpose="Benchmark", legal_basis="Benchmark", fields=[],
        query_types=["registration_number", "face_probe"], rate_limit_per_minute=10_000,
        starts_at=now - timezone.timedelta(days=1), ends_at=now + timezone.timedelta(days=1),
        document=b"%PDF-1.7 bench",
    )  # fmt: skip
    approvals = []
    for i in range(clients):
        reference = f"bench-{uuid.uuid4().hex[:8]}-{i}"
        version = services.propose(priya, reference=reference, organisation="Bench", terms=terms)
        approvals.append(services.approve(pia, version))
    return approvals


def numbers(count: int) -> list[tuple[str, bool]]:
    """`count` (registration number, expected hit) pairs: half registered, half absent."""
    from apps.registrations.models import CaseState, Registration

    hits = list(
        Registration.objects.filter(state=CaseState.REGISTERED)
        .order_by("?")
        .values_list("case_number", flat=True)[: count // 2]
    )
    absent = [n for n in console_bench.case_numbers(random.Random(99), count) if n not in set(hits)]
    pairs = [(n, True) for n in hits] + [(n, False) for n in absent[: count - len(hits)]]
    random.Random(5).shuffle(pairs)
    return pairs


def direct(approval: Any, queries: list[Any], kind: str) -> list[float]:
    from apps.partners import access, probes
    from apps.partners.models import QueryType

    user = approval.version.agreement.client_account
    latencies = []
    for i, query in enumerate(queries):
        started = time.perf_counter()
        if kind == "number":
            found = access.find_by_registration_number(query[0])
            answer = access.answer(
                user, QueryType.REGISTRATION_NUMBER, reference="b", registration=found
            )
        else:
            found = probes.find_by_face(query[0])
            answer = access.answer(user, QueryType.FACE_PROBE, reference="b", registration=found)
        latencies.append((time.perf_counter() - started) * 1000)
        if answer.hit != query[1]:
            sys.exit(f"direct {kind} query {i}: expected hit={query[1]}, got {answer.hit}")
        show_progress(f"direct {kind}", i + 1, len(queries))
    show_progress("", 0, 0, done=True)
    return latencies


def token(port: int, approval: Any) -> str:
    body = (
        f"grant_type=client_credentials&client_id={approval.client_id}"
        f"&client_secret={approval.client_secret}"
    )
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", "/o/token/", body, {"Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    data = json.loads(response.read())
    conn.close()
    return str(data["access_token"])


def send(port: int, bearer: str, kind: str, query: Any) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Bearer {bearer}"}
    try:
        if kind == "number":
            body: bytes = json.dumps({"reference": "b", "registration_number": query[0]}).encode()
            headers["Content-Type"] = "application/json"
            conn.request("POST", "/api/v1/partner/queries/registration-number", body, headers)
        else:
            boundary = uuid.uuid4().hex
            body = (
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="reference"\r\n\r\nb\r\n'
                    f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; '
                    f'filename="p.png"\r\nContent-Type: image/png\r\n\r\n'
                ).encode()
                + query[0]
                + f"\r\n--{boundary}--\r\n".encode()
            )
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
            conn.request("POST", "/api/v1/partner/queries/face", body, headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def over_http(
    port: int, bearers: list[str], queries: list[Any], kind: str
) -> tuple[list[float], float, list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    barrier = threading.Barrier(len(bearers) + 1)

    def client(worker: int) -> None:
        barrier.wait()
        for query in queries[worker :: len(bearers)]:
            started = time.perf_counter()
            status, body = send(port, bearers[worker], kind, query)
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200 or json.loads(body)["hit"] != query[1]:
                errors.append(f"HTTP {status} {body[:200]!r} (expected hit={query[1]})")
            else:
                latencies.append(elapsed)

    threads = [threading.Thread(target=client, args=(w,)) for w in range(len(bearers))]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started, errors


def row(label: str, latencies: list[float], seconds: float) -> str:
    return (
        f"| {label} | {len(latencies) / seconds:,.0f}/s | {percentile(latencies, 50):.1f} ms "
        f"| {percentile(latencies, 95):.1f} ms |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--faces", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=4000, help="registration-number queries")
    parser.add_argument("--probes", type=int, default=160, help="face probes")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    args = parser.parse_args()
    config = console_bench.database_config()
    console_bench.create_database_if_missing(config)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from apps.biometrics.face import samples

    call_command("migrate", verbosity=0)
    load_cases(config, args.cases)
    load_faces(args.faces)
    enrol_astronaut()
    approvals = partners(args.clients)
    by_number = numbers(args.queries)
    hit, miss = samples.jpeg(samples.astronaut(), 60), samples.png(samples.grace_hopper())
    by_face = [(hit, True) if i % 2 == 0 else (miss, False) for i in range(args.probes)]

    log("direct service calls")
    direct_numbers = direct(approvals[0], by_number, "number")
    started = time.perf_counter()
    direct_faces = direct(approvals[0], by_face[: max(10, args.probes // 4)], "face")
    face_seconds = time.perf_counter() - started
    connections.close_all()

    with tempfile.TemporaryFile() as server_log:
        port = free_port()
        server, name = start_server(port, args.workers, server_log)
        try:
            bearers = [token(port, a) for a in approvals]
            log(f"http: {name}, {args.clients} clients")
            http_numbers, number_seconds, number_errors = over_http(
                port, bearers, by_number, "number"
            )
            http_faces, http_face_seconds, face_errors = over_http(port, bearers, by_face, "face")
        finally:
            stop_server(server)
    for errors in (number_errors, face_errors):
        if errors:
            sys.exit(f"{len(errors)} HTTP errors, first: {errors[0]}")
    print(f"\n{args.cases:,} cases, {args.faces:,} faces; HTTP: {name}, {args.clients} clients\n")
    print("| query | throughput | p50 | p95 |\n|---|---|---|---|")
    print(
        row(
            "registration number, direct call (1 thread)",
            direct_numbers,
            sum(direct_numbers) / 1000,
        )
    )
    print(row(f"registration number, HTTP ({args.clients} clients)", http_numbers, number_seconds))
    print(row("face probe, direct call (1 thread)", direct_faces, face_seconds))
    print(row(f"face probe, HTTP ({args.clients} clients)", http_faces, http_face_seconds))


if __name__ == "__main__":
    main()
