"""Crash-drill plumbing: a database of its own (a SQLite file, a fresh database on the
test PostgreSQL server, or a PostgreSQL cluster the drill starts itself), real worker
processes (`manage.py db_worker`) with a short lease, and reads of the task table.

A drill's database holds only the tables a worker needs (django-tasks-db's and
apps.jobs'), so it migrates in seconds."""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from tests.browser.plumbing import _database_url, _drop_database

ROOT = Path(__file__).resolve().parents[3]
LEASE_SECONDS = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Drill:
    def __init__(self, tmp: Path, database_url: str) -> None:
        self.tmp = tmp
        self.url = database_url
        self.processes: list[subprocess.Popen[bytes]] = []
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
            "DATABASE_URL": database_url,
            "REGISTRY_VAR_DIR": str(tmp / "var"),
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "REGISTRY_TASK_LEASE_SECONDS": str(LEASE_SECONDS),
            "REGISTRY_WORKER_MAX_BACKOFF_SECONDS": "1",
            "DEBUG": "1",
            "PYTHONUNBUFFERED": "1",
        }

    def manage(self, *args: str) -> str:
        result = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def migrate(self) -> None:
        self.manage("migrate", "django_tasks_database", "--no-input", "-v", "0")
        self.manage("migrate", "jobs", "--no-input", "-v", "0")

    def enqueue(self, task: str, *args: str) -> str:
        """Enqueue apps.jobs.tests.drill_tasks.<task>(*args); returns the task id."""
        code = (
            f"from apps.jobs.tests.drill_tasks import {task}; "
            f"print({task}.enqueue(*{list(args)!r}).id)"
        )
        return self.manage("shell", "-c", code).strip().splitlines()[-1]

    def start(self, name: str, *command: str) -> subprocess.Popen[bytes]:
        """Start `manage.py <command>` in the background, its output in a log."""
        log = (self.tmp / f"{name}.log").open("wb")
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def start_worker(self, worker_id: str) -> subprocess.Popen[bytes]:
        return self.start(
            f"worker-{worker_id}",
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.2",
            "--worker-id",
            worker_id,
        )

    def log_of(self, worker_id: str) -> str:
        return self.log(f"worker-{worker_id}")

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.url.startswith("postgres"):
            with psycopg.connect(self.url, autocommit=True) as conn:
                return conn.execute(sql.encode()).fetchall()
        import sqlite3

        with sqlite3.connect(self.url.removeprefix("sqlite:///")) as conn:
            return conn.execute(sql).fetchall()

    def task(self, task_id: str) -> dict[str, Any]:
        """The task's row: status, worker_ids, return_value."""
        query = (
            "SELECT status, worker_ids, return_value FROM django_tasks_database_dbtaskresult "
            "WHERE id = %s"
        )
        if self.url.startswith("postgres"):
            with psycopg.connect(self.url, autocommit=True) as conn:
                row = conn.execute(query, (task_id,)).fetchone()  # JSON comes decoded
        else:
            import sqlite3

            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as conn:
                # Django stores SQLite UUIDs as 32 hex digits, and JSON as text.
                found = conn.execute(query.replace("%s", "?"), (task_id.replace("-", ""),))
                row = found.fetchone()
                if row is not None:
                    row = (row[0], json.loads(row[1]), json.loads(row[2] or "null"))
        assert row is not None, f"no task {task_id}"
        status, worker_ids, value = row
        return {"status": status, "worker_ids": worker_ids, "return_value": value}

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)


@contextmanager
def drill_database(tmp: Path) -> Iterator[Drill]:
    """A drill on the database kind of this test run (SQLite, or the PostgreSQL of
    DATABASE_URL), on a database of its own, dropped afterwards."""
    url = _database_url(tmp)
    drill = Drill(tmp, url)
    try:
        drill.migrate()
        yield drill
    finally:
        drill.stop()
        _drop_database(url)


POSTGRES_BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


class Cluster:
    """A PostgreSQL cluster of the drill's own, in a temporary folder, on a free port:
    the drill may stop and start it without touching anyone else's database."""

    def __init__(self) -> None:
        if not POSTGRES_BINARIES:
            raise AssertionError(
                "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin: "
                "install Debian's postgresql package"
            )
        self.bin = POSTGRES_BINARIES[-1].parent
        # Its own folder under /tmp: the server's user must reach it, and pytest's
        # temporary folders are private to the user running the tests.
        self.home = Path(tempfile.mkdtemp(prefix="registry-drill-pg-"))
        self.data = self.home / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/drill"

    def run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603

    def start(self) -> None:
        options = f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.home / "log")
        self.run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def __enter__(self) -> "Cluster":
        if os.geteuid() == 0:
            shutil.chown(self.home, "postgres", "postgres")
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        self.start()
        with psycopg.connect(
            f"postgres://postgres@127.0.0.1:{self.port}/postgres", autocommit=True
        ) as conn:
            conn.execute("CREATE DATABASE drill")
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.home, ignore_errors=True)
