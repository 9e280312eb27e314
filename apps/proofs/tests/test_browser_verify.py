"""A port officer opens /verify/ in a browser, pastes the text of Amal's QR code, and
reads "valid", in English and then in Spanish. Runs the real server (tests/browser)."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.plumbing import Server, shot

pytestmark = pytest.mark.browser

REGISTER = (
    "from apps.accounts.models import User\n"
    "from apps.registrations import services, casework\n"
    "from apps.registrations.reasons import Decision\n"
    "from conftest import VALID_FORM\n"
    # A registrant of this test's own: the demo accounts belong to the other stories
    # that share this server.
    "amal = User.objects.create_user(username='vera@example.org', email='vera@example.org',"
    " role='registrant')\n"
    "olu = User.objects.get(email='olu.officer@example.org')\n"
    "case, _ = services.file_registration(amal, program_slug='us-2025', for_child=False,"
    " data=VALID_FORM, language='en', idempotency_key=None)\n"
    "casework.schedule_biometrics(olu, case, office_code='NWK', reason='booked')\n"
    "casework.record_interview(olu, case, notes='', document_checked=True)\n"
    "casework.record_biometrics(olu, case)\n"
    "casework.decide(olu, case, decision=Decision.REGISTER)\n"
    "print(case.case_number)"
)


def test_a_verifier_pastes_a_qr_text_and_reads_valid_in_english_and_spanish(
    server: Server,
    browser_page: Page,
) -> None:
    page = browser_page
    case_number = server.manage("shell", "-v", "0", "-c", REGISTER).strip().splitlines()[-1]
    text = server.manage("proof", "export", case_number).strip()
    assert text.startswith("RG1:")

    page.context.clear_cookies()
    page.goto(server.url + "/verify/")
    page.fill("textarea[name=text]", text)
    page.locator("#verify-form button[type=submit]").click()
    expect(page.locator("#verdict")).to_have_attribute("data-outcome", "valid")
    expect(page.locator("#verdict-outcome")).to_have_text("Valid")
    expect(page.locator("#verdict-registration")).to_have_text(case_number)
    shot(page, "en-60-verifier-valid")

    page.select_option("#language-select", "es")
    page.locator("form.language button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.goto(server.url + "/verify/")
    page.fill("textarea[name=text]", text)
    page.locator("#verify-form button[type=submit]").click()
    expect(page.locator("#verdict")).to_have_attribute("data-outcome", "valid")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    shot(page, "es-60-verifier-valid")

    page.fill("textarea[name=text]", text[:-2] + ("00" if not text.endswith("00") else "11"))
    page.locator("#verify-form button[type=submit]").click()
    expect(page.locator("#verdict")).not_to_have_attribute("data-outcome", "valid")
