"""A person goes from sign-up to a submitted registration in a real browser (Debian's
chromium through Playwright), in English and in Spanish.

The server runs as its own process on a database of its own (a fresh SQLite file, or a
fresh PostgreSQL database in the PostgreSQL pass), as a newcomer's `make run` would.
Screenshots are kept under test-artifacts/ for people to look at."""

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

pytestmark = pytest.mark.browser


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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("e2e")
    server = Server(tmp)
    server.manage("migrate", "--no-input", "-v", "0")
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


@pytest.fixture(scope="module")
def browser_page() -> Iterator[Page]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `make system-packages` (make test does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser.new_page()
        browser.close()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


TEXT = {
    "en": {
        "check_mail": "Check your e-mail",
        "confirmed": "Your e-mail is confirmed",
        "must": "You must register",
        "saved": "Draft saved",
        "state": "Submitted",
    },
    "es": {
        "check_mail": "Revise su correo",
        "confirmed": "Su correo está confirmado",
        "must": "Debe registrarse",
        "saved": "Borrador guardado",
        "state": "Presentada",
    },
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_sign_up_to_submitted_case(server: Server, browser_page: Page, language: str) -> None:
    page, text = browser_page, TEXT[language]
    page.context.clear_cookies()
    email = f"amal-{language}-{uuid.uuid4().hex[:6]}@example.org"

    page.goto(server.url + "/")
    page.select_option("#language-select", language)
    page.get_by_role("button", name=re.compile("Change language|Cambiar idioma")).click()
    expect(page.locator("html")).to_have_attribute("lang", language)

    page.goto(server.url + "/accounts/signup/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "a long and unusual passphrase")
    page.check("input[name=role][value=registrant]")
    page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text(text["check_mail"])
    shot(page, f"{language}-01-signup-done")

    page.goto(server.mail_link(email))
    expect(page.locator("h1")).to_contain_text(text["confirmed"])

    page.goto(server.url + "/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", "a long and unusual passphrase")
    page.locator("main button[type=submit]").click()

    page.goto(server.url + "/eligibility/")
    page.check("input[name=is_citizen][value=no]")
    page.fill("input[name=birth_date]", "1990-03-14")
    page.fill("input[name=arrival_date]", "2025-06-01")
    shot(page, f"{language}-02-eligibility")
    page.locator("main button[type=submit]").click()
    expect(page.locator(".outcome")).to_have_attribute("data-outcome", "must_register")
    expect(page.locator(".outcome")).to_contain_text(text["must"])
    expect(page.locator(".notice")).to_have_attribute("data-notice-language", language)
    shot(page, f"{language}-03-eligibility-result")

    page.locator("main form button[type=submit]").click()
    page.fill("#id_family_name", "Haddad")
    page.fill("#id_given_names", "Amal")
    page.fill("#id_birth_date", "1990-03-14")
    page.get_by_role("button", name=re.compile("Save draft|Guardar borrador")).click()
    expect(page.locator("[role=status]")).to_contain_text(text["saved"])
    expect(page.locator("#id_family_name")).to_have_value("Haddad")

    page.fill("#id_birth_city", "Beirut")
    page.select_option("#id_birth_country", "LB")
    page.select_option("#id_nationality", "LB")
    page.fill("#id_passport_number", "RL0912345")
    page.fill("#id_entry_date", "2025-06-01")
    page.fill("#id_entry_place", "JFK Airport")
    page.select_option("#id_entry_manner", "inspected")
    page.fill("input[name=address_history-0-line1]", "12 Elm Street")
    page.fill("input[name=address_history-0-city]", "Paterson")
    page.select_option("select[name=address_history-0-country]", "US")
    page.fill("input[name=address_history-0-from]", "2025-06-02")
    page.select_option("#id_intended_stay", "over-12-months")
    page.check("input[name=criminal_record][value=no]")
    page.fill("#id_signature_name", "Amal Haddad")
    page.check("input[name=oath_accepted]")
    shot(page, f"{language}-04-form")
    page.locator("#submit-registration").dblclick()

    expect(page.locator("#case-state")).to_have_attribute("data-state", "submitted")
    expect(page.locator("#case-state")).to_contain_text(text["state"])
    shot(page, f"{language}-05-case")

    counts = server.manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from apps.registrations.models import NoticeShown, Registration; "
        f"u = '{email}'; "
        "print(NoticeShown.objects.filter(user__email=u)"
        ".values_list('language', flat=True).first(), "
        "Registration.objects.filter(filed_by__email=u).exclude(case_number=None).count())",
    ).split()
    assert counts == [language, "1"], counts  # the notice showing was recorded; one case filed
