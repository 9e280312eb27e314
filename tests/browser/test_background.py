"""In a real browser: Bilal, on a phone, never got his activation e-mail and asks for a
new one; Ada, the administrator, watches the scheduled jobs and runs one by hand."""

import re
import time
import uuid

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.browser.plumbing import Server, shot
from tests.browser.test_staff import staff_sign_in

pytestmark = pytest.mark.browser
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


def activation_links(server: Server, email: str) -> list[str]:
    links = []
    for path in sorted(server.mail.glob("*.log")) if server.mail.exists() else []:
        for block in path.read_text().split("\n\n\n"):
            if email in block:
                links += re.findall(r"http://127\.0\.0\.1:\d+/accounts/verify/\S+/", block)
    return links


def test_bilal_asks_for_a_new_activation_link_on_his_phone(
    server: Server, browser_page: Page
) -> None:
    page = browser_page
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    email = f"bilal-{uuid.uuid4().hex[:6]}@example.org"
    try:
        page.goto(server.url + "/accounts/signup/")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", "a long and unusual passphrase")
        page.check("input[name=role][value=registrant]")
        page.locator("main button[type=submit]").click()
        expect(page.locator("h1")).to_contain_text("Check your e-mail")

        # The first e-mail is lost on its way. He tries to sign in, then asks again.
        page.goto(server.url + "/accounts/login/")
        page.get_by_role("link", name="Never got the e-mail to activate your account?").click()
        expect(page.locator("h1")).to_contain_text("A new activation link")
        page.fill("input[name=email]", email)
        shot(page, "en-40-resend-activation-390")
        page.locator("main button[type=submit]").click()
        expect(page.locator("h1")).to_contain_text("Check your e-mail")

        deadline = time.monotonic() + 20
        while len(activation_links(server, email)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        links = activation_links(server, email)
        assert len(links) == 2, links
        page.goto(links[-1])
        expect(page.locator("h1")).to_contain_text("Your e-mail is confirmed")
    finally:
        page.set_viewport_size(DESKTOP)


def test_ada_watches_the_scheduled_jobs_and_runs_one(server: Server, browser_page: Page) -> None:
    page = browser_page
    page.set_viewport_size(DESKTOP)
    staff_sign_in(page, server, "ada.admin@example.org")
    page.goto(server.url + "/console/jobs/")
    expect(page.locator("h1")).to_contain_text("Scheduled jobs")
    expect(page.locator('#jobs tr[data-job="audit-tree-head"]')).to_contain_text("* * * * *")
    shot(page, "en-41-scheduled-jobs-1280")

    page.locator('#jobs tr[data-job="holds"] a').click()
    page.get_by_role("button", name="Run now").click()
    expect(page.locator(".messages")).to_contain_text("The job is queued")
    page.reload()  # the test server runs tasks as they are enqueued
    expect(page.locator("#runs tbody tr").first).to_have_attribute("data-state", "done")

    page.set_viewport_size(PHONE)
    try:
        page.goto(server.url + "/console/jobs/")
        shot(page, "en-42-scheduled-jobs-390")
        # The wide table scrolls inside its box; the page itself does not widen.
        box = page.locator("#jobs").locator("xpath=..")
        assert box.evaluate("e => e.scrollWidth > e.clientWidth")
        assert box.evaluate("e => e.getBoundingClientRect().right") <= 390
    finally:
        page.set_viewport_size(DESKTOP)
