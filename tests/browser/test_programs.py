"""Priya, a privacy officer, reviews the programs in force in the console; anyone reads,
on a phone and in Spanish, which versions are in force, who approved them and the text."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.plumbing import Server, shot
from tests.browser.test_staff import staff_sign_in

pytestmark = pytest.mark.browser


def test_priya_sees_the_programs_in_force_and_the_public_reads_them(
    server: Server, browser_page: Page
) -> None:
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    staff_sign_in(page, server, "priya.privacy@example.org")
    page.goto(f"{server.url}/console/programs/")
    expect(page.locator('#files tr[data-slug="us-2025"]')).to_have_attribute(
        "data-state", "in force"
    )
    expect(page.locator("#history")).to_contain_text("paulo.privacy@example.org")
    shot(page, "en-40-programs-console")
    page.locator('#history tr[data-status="active"] a').first.click()
    expect(page).to_have_url(re.compile(r"/console/programs/versions/\d+/$"))
    expect(page.locator("#check-ok")).to_be_visible()
    expect(page.locator("#text")).to_contain_text("[program]")

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{server.url}/transparency/")
    page.select_option("#language-select", "es")
    page.locator("form.language button[type=submit]").click()
    section = page.locator("#programs")
    expect(section).to_contain_text("Programas en vigor")
    expect(section.locator('tr[data-slug="us-2025"][data-in-force="yes"]')).to_be_visible()
    shot(page, "es-41-public-programs-phone")
    section.locator('tr[data-slug="us-2025"] a').click()
    expect(page.locator("#text")).to_contain_text('slug = "us-2025"')
    expect(page.locator("main")).to_contain_text("Aprobado por")
    shot(page, "es-42-public-program-text-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
