"""The HTTP phase of the intake benchmark: a real multi-process server on 127.0.0.1 and
concurrent clients, each signed in as its own registrant. Bounded in requests and time;
it sends traffic to loopback only."""

from __future__ import annotations

import http.client
import importlib.util
import json
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from report import log, show_progress
from workload import PASSWORD, make_form

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class HttpResult:
    latencies_ms: list[float]
    seconds: float
    errors: list[str]
    server: str
    stopped: int = 0

    def percentile(self, p: int) -> float:
        return percentile(self.latencies_ms, p)

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0


def percentile(values: list[float], p: int) -> float:
    """The p-th percentile (inclusive method), shared by the HTTP benchmarks."""
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int, workers: int, log_file: Any) -> tuple[subprocess.Popen[bytes], str]:
    if importlib.util.find_spec("gunicorn"):
        from gunicorn import __version__ as version

        command = [
            sys.executable, "-m", "gunicorn", "registry.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--worker-class", "sync", "--backlog", "256", "--timeout", "60",
        ]  # fmt: skip
        name = f"gunicorn {version}, {workers} sync workers"
    else:
        command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
        name = "manage.py runserver (threads; gunicorn is not installed)"
    server = subprocess.Popen(command, cwd=ROOT, stdout=log_file, stderr=log_file)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        try:
            status, _, _ = request(port, "GET", "/accounts/login/", {})
            if status == 200:
                return server, name
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(server)
    log_file.seek(0)
    sys.exit(f"The server did not start on 127.0.0.1:{port}:\n{log_file.read().decode()[-3000:]}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def request(
    port: int, method: str, path: str, cookies: dict[str, str], body: Any = None, **headers: str
) -> tuple[int, bytes, dict[str, str]]:
    """One request on a new connection (gunicorn's sync workers close each one)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
            headers["X-CSRFToken"] = cookies.get("csrftoken", "")
        payload = json.dumps(body).encode() if body is not None else None
        if payload is not None:
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        data = response.read()
        new_cookies: dict[str, str] = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            # Cookies are Secure with DEBUG off; this client sends them over loopback anyway.
            parsed: SimpleCookie = SimpleCookie(header)
            new_cookies.update({name: morsel.value for name, morsel in parsed.items()})
        return response.status, data, new_cookies
    finally:
        conn.close()


@dataclass
class HttpRun:
    """State shared by the client threads."""

    port: int
    per_client: int
    barrier: threading.Barrier
    deadline: float = float("inf")
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    done: int = 0
    stopped: int = 0  # clients that ran out of time


def http_client(run: HttpRun, worker: int, email: str) -> None:
    """Sign in, wait for the other clients, then file `per_client` registrations."""
    try:
        _, _, cookies = request(run.port, "GET", "/accounts/login/", {})
        status, body, new = request(
            run.port, "POST", "/api/v1/auth/login", cookies, {"email": email, "password": PASSWORD}
        )
        if status != 200:
            raise RuntimeError(f"login of {email}: HTTP {status} {body[:300]!r}")
        cookies.update(new)
    except Exception as error:
        run.errors.append(str(error))
        run.barrier.abort()
        return
    run.barrier.wait()
    for i in range(run.per_client):
        if time.perf_counter() > run.deadline:
            run.stopped += 1
            return
        started = time.perf_counter()
        status, body, _ = request(
            run.port,
            "POST",
            "/api/v1/registrations",
            cookies,
            {"data": make_form(100 + worker, i)},
            **{"Idempotency-Key": str(uuid.uuid4())},
        )
        elapsed = (time.perf_counter() - started) * 1000
        if status == 201:
            run.latencies_ms.append(elapsed)  # list.append is atomic under the GIL
            run.done += 1
        else:
            run.errors.append(f"HTTP {status}: {body[:300]!r}")


def run_http(
    clients: int, per_client: int, server_workers: int, time_limit: float, user_ids: list[int]
) -> HttpResult:
    from django.db import connections

    from apps.accounts.models import User

    emails = list(
        User.objects.filter(pk__in=user_ids).order_by("pk").values_list("email", flat=True)
    )
    connections.close_all()
    port = free_port()
    with tempfile.TemporaryFile() as server_log:
        server, name = start_server(port, server_workers, server_log)
        log(f"http: {name} on 127.0.0.1:{port}; {clients} clients sign in")
        try:
            run = HttpRun(port, per_client, threading.Barrier(clients + 1))
            threads = [
                threading.Thread(target=http_client, args=(run, w, emails[w]), daemon=True)
                for w in range(clients)
            ]
            for thread in threads:
                thread.start()
            try:
                run.barrier.wait(timeout=120)
            except threading.BrokenBarrierError:
                return HttpResult([], 0.0, run.errors or ["clients could not sign in"], name)
            started = time.perf_counter()
            run.deadline = started + time_limit
            total = clients * per_client
            while any(thread.is_alive() for thread in threads):
                show_progress("http", run.done, total)
                time.sleep(0.25)
            show_progress("http", run.done, total, done=True)
            seconds = time.perf_counter() - started
            return HttpResult(run.latencies_ms, seconds, run.errors, name, run.stopped)
        finally:
            stop_server(server)
