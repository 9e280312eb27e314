"""Browser-test plumbing, loaded once for the whole suite (root conftest.py lists it in
`pytest_plugins`, so every app shares one server and one browser: a module importing
the fixtures would make a second Playwright instance, which refuses to start). A real
server process on its own database (a fresh SQLite file, or a fresh PostgreSQL database
in the PostgreSQL pass), Debian's chromium through Playwright, and screenshots kept
under test-artifacts/."""

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database_url(tmp: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp / 'e2e.sqlite3'}"
    import psycopg

    name = f"registry_e2e_{uuid.uuid4().hex[:8]}"
    base = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def _drop_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Server:
    def __init__(self, tmp: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.mail = tmp / "mail"
        self.database_url = _database_url(tmp)
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
            "DATABASE_URL": self.database_url,
            "REGISTRY_VAR_DIR": str(tmp / "var"),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail),
            "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "SITE_URL": self.url,
            "DEBUG": "1",
        }

    def manage(self, *args: str) -> str:
        result = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stdout

    def mail_link(self, recipient: str) -> str:
        for _ in range(50):
            for path in sorted(self.mail.glob("*.log")) if self.mail.exists() else []:
                text = path.read_text()
                if recipient in text:
                    match = re.search(r"http://127\.0\.0\.1:\d+/accounts/verify/\S+/", text)
                    if match:
                        return match.group(0)
            time.sleep(0.1)
        raise AssertionError(f"no verification e-mail for {recipient}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("e2e")
    server = Server(tmp)
    server.manage("migrate", "--no-input", "-v", "0")
    server.manage("demo_data")  # offices, and staff with the published demo TOTP secret
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{server.port}"],
        cwd=ROOT,
        env=server.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", server.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)
        _drop_database(server.database_url)


@pytest.fixture(scope="session")
def browser_page() -> Iterator[Page]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `make system-packages` (make test does)")
    # The server is a single runserver process on a 2-core machine that the parallel test
    # workers keep busy, and a first page may load the face and index libraries: wait
    # longer than Playwright's 5 s before calling a page broken.
    expect.set_options(timeout=20_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(30_000)
        yield page
        browser.close()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # published in demo_data
_LAST_WINDOW: dict[str, int] = {}


def fresh_totp_code(email: str) -> str:
    """A demo authenticator code for `email` that this server has not seen yet: django-otp
    refuses a code of a 30-second window already used (replay protection), and the
    browser stories share one server, so a second sign-in of the same person in the same
    window waits for the next one."""
    import base64

    from django_otp.oath import totp

    window = int(time.time()) // 30
    if _LAST_WINDOW.get(email) == window:
        time.sleep(30 - time.time() % 30 + 0.5)
        window = int(time.time()) // 30
    _LAST_WINDOW[email] = window
    return f"{totp(base64.b32decode(DEMO_TOTP_SECRET)):06d}"
