"""Amal (demo account, her registration already filed) books her biometrics
appointment, prints the confirmation, then moves it to another time: the reference she
reads out at the counter stays the same, and her log tells her what happened in plain
sentences."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.plumbing import Server, shot

pytestmark = pytest.mark.browser
DEMO_PASSWORD = "demo-registry-2025"


def sign_in(page: Page, server: Server, email: str) -> None:
    page.context.clear_cookies()
    page.goto(server.url + "/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()


def test_amal_books_and_reschedules(server: Server, browser_page: Page) -> None:
    page = browser_page
    sign_in(page, server, "amal@example.org")
    page.goto(server.url + "/my/")
    page.locator("table a").first.click()
    expect(page.locator("#case-state")).to_have_attribute("data-state", "submitted")
    page.locator("#book-appointment").click()

    page.check("#slot-1")
    first_time = page.locator("label[for=slot-1]").inner_text()
    shot(page, "en-10-choose-slot")
    page.get_by_role("button", name="Book this time").click()
    expect(page.locator("#booking-state")).to_have_attribute("data-state", "booked")
    expect(page.locator("#when")).to_contain_text(first_time.split("\n")[0].strip())
    reference = page.locator("#booking-reference").inner_text().strip()
    assert re.fullmatch(r"[2-9A-HJKMNP-TV-Z]{3}-[2-9A-HJKMNP-TV-Z]{3}", reference), reference
    shot(page, "en-11-booking-confirmation")

    page.locator("#change-link").click()
    page.check("#slot-3")
    second_time = page.locator("label[for=slot-3]").inner_text()
    page.get_by_role("button", name="Move my appointment to this time").click()
    expect(page.locator("#booking-state")).to_have_attribute("data-state", "booked")
    expect(page.locator("#when")).to_contain_text(second_time.split("\n")[0].strip())
    expect(page.locator("#booking-reference")).to_have_text(reference)  # the same one
    shot(page, "en-12-rescheduled")

    case_number = page.locator("#case-number").inner_text()
    page.goto(server.url + f"/cases/{case_number}/")
    expect(page.locator("#case-state")).to_have_attribute("data-state", "biometrics_scheduled")
    expect(page.locator("main")).to_contain_text(re.compile("appointment", re.I))

    page.goto(server.url + "/my/access-log/")
    expect(page.locator("#access-log")).to_contain_text("You booked your biometrics appointment.")
    expect(page.locator("#access-log")).to_contain_text("You moved your appointment.")
    expect(page.locator("#access-log")).not_to_contain_text("#")
    shot(page, "en-13-who-has-seen-my-record")
