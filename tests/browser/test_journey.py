"""A person goes from sign-up to a submitted registration in a real browser (Debian's
chromium through Playwright), in English and in Spanish.

The server runs as its own process on a database of its own (a fresh SQLite file, or a
fresh PostgreSQL database in the PostgreSQL pass), as a newcomer's `make run` would.
Screenshots are kept under test-artifacts/ for people to look at."""

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.plumbing import Server, shot

pytestmark = pytest.mark.browser

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
