"""Amal asks for a correction in a real browser (Debian's chromium through Playwright):
from her case page to the rights page, the form with a PDF as evidence, and back to
her requests, where the outcome will show. Olu then accepts it in the console."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.plumbing import Server, fresh_totp_code, shot

pytestmark = pytest.mark.browser
DEMO_PASSWORD = "demo-registry-2025"


def amal_case(server: Server) -> str:
    return server.manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from apps.registrations.models import Registration\n"
        "print(Registration.objects.filter(filed_by__email='amal@example.org',"
        " case_number__isnull=False).latest('submitted_at').case_number)",
    ).strip()


def sign_in(page: Page, server: Server, email: str) -> None:
    page.context.clear_cookies()
    page.goto(server.url + "/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()


def test_amal_asks_for_a_correction_and_olu_accepts_it(
    server: Server,
    browser_page: Page,
    tmp_path: Path,
) -> None:
    page = browser_page
    case_number = amal_case(server)
    sign_in(page, server, "amal@example.org")

    page.goto(f"{server.url}/cases/{case_number}/")
    page.click("#my-rights")
    expect(page.locator("h1")).to_contain_text("Your data and your rights")
    page.locator(f"tr[data-case='{case_number}'] a.ask-correction").click()
    page.select_option("select[name=field_name]", "birth_city")
    page.fill("textarea[name=proposed_value]", "Tripoli")
    page.fill("textarea[name=explanation]", "I was born in Tripoli, not Beirut.")
    evidence = tmp_path / "birth-certificate.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% a scan\n")
    page.set_input_files("input[name=evidence]", str(evidence))
    shot(page, "en-40-correction-request")
    page.locator("#correction-form button[type=submit]").click()
    row = page.locator("#my-corrections tbody tr").first
    expect(row).to_have_attribute("data-state", "open")
    expect(row).to_contain_text("Waiting for a decision")
    shot(page, "en-41-correction-waiting")

    # A wrong date is refused on the page with what to fix.
    page.goto(f"{server.url}/my/rights/cases/{case_number}/correction/")
    page.select_option("select[name=field_name]", "birth_date")
    page.fill("textarea[name=proposed_value]", "14 March")
    page.locator("#correction-form button[type=submit]").click()
    expect(page.locator(".errorlist, .errors").first).to_be_visible()

    # Olu accepts it in the console; Amal reads the outcome.
    page.context.clear_cookies()
    page.goto(server.url + "/accounts/login/?next=/console/rights/corrections/")
    page.fill("input[name=username]", "olu.officer@example.org")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.fill("input[name=code]", fresh_totp_code("olu.officer@example.org"))
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/console/rights/corrections/$"))
    page.locator("#corrections a").first.click()
    expect(page.locator("#proposed")).to_have_text("Tripoli")
    page.select_option("select[name=outcome]", "accepted")
    page.select_option("select[name=reason_code]", "record-was-wrong")
    page.locator("#decision button[type=submit]").click()
    expect(page.locator("#state")).to_have_attribute("data-state", "decided")

    sign_in(page, server, "amal@example.org")
    page.goto(server.url + "/my/rights/")
    row = page.locator("#my-corrections tbody tr").first
    expect(row).to_have_attribute("data-outcome", "accepted")
    expect(row.locator(".reason")).to_contain_text("corrected as you asked")
    shot(page, "en-42-correction-accepted")
