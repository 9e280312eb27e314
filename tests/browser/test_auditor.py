"""Ali, the auditor, signs in with his authenticator and works the log in the browser:
he looks through a case's entries for a stated purpose, opens one entry and reads that
its proof checks out, and watches a check of the whole log run to "Intact" (the page
polls its progress and shows the outcome when the worker is done)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.plumbing import Server, fresh_totp_code, shot

pytestmark = pytest.mark.browser
DEMO_PASSWORD = "demo-registry-2025"


def auditor_signs_in(page: Page, server: Server) -> None:
    page.context.clear_cookies()
    page.goto(server.url + "/accounts/login/?next=/audit/")
    page.fill("input[name=username]", "ali.auditor@example.org")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/console/second-factor/\?next="))
    page.fill("input[name=code]", fresh_totp_code("ali.auditor@example.org"))
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(f"{server.url}/audit/")


def filed_case(server: Server) -> str:
    return (
        server.manage(
            "shell",
            "-v",
            "0",
            "-c",
            "from apps.accounts.models import User\n"
            "from apps.audit import tree\n"
            "from apps.registrations import services\n"
            "from conftest import VALID_FORM\n"
            "user = User.objects.create_user(username='ines@example.org', email='ines@example.org',"
            " role='registrant')\n"
            "case, _ = services.file_registration(user, program_slug='us-2025', for_child=False,"
            " data=VALID_FORM, language='en', idempotency_key=None)\n"
            "tree.sign_tree_head()\n"
            "print(case.case_number)",
        )
        .strip()
        .splitlines()[-1]
    )


def test_ali_searches_proves_and_verifies_the_log(server: Server, browser_page: Page) -> None:
    page = browser_page
    case_number = filed_case(server)
    auditor_signs_in(page, server)
    expect(page.locator("#tree-heads tbody tr").first).to_have_attribute(
        "data-size", re.compile(r"\d+")
    )
    shot(page, "en-40-audit-console")

    page.fill("#log-search input[name=case_number]", case_number)
    page.check("#log-search input[name=purpose][value=oversight]")
    page.locator("#log-search button[type=submit]").click()
    expect(page.locator("#search-logged")).to_be_visible()
    expect(page.locator("#log-entries tbody tr").first).to_contain_text("self-filing")
    shot(page, "en-41-audit-search-by-case")

    page.locator("#log-entries tbody tr").last.locator("button").click()
    expect(page.locator("#proof-outcome")).to_have_attribute("data-ok", "true")
    shot(page, "en-42-audit-entry-proof")
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        # Hashes and signatures wrap: the proof reads on a phone without sideways scrolling.
        width = page.evaluate("document.querySelector('main').scrollWidth")
        assert width <= 390, width
        shot(page, "en-42b-audit-entry-proof-phone")
    finally:
        page.set_viewport_size({"width": 1280, "height": 800})

    # A check someone asked for earlier is waiting for the worker: its page polls.
    check_id = (
        server.manage(
            "shell",
            "-v",
            "0",
            "-c",
            "from apps.audit.models import AuditVerification\n"
            "print(AuditVerification.objects.create().id)",
        )
        .strip()
        .splitlines()[-1]
    )
    page.goto(f"{server.url}/audit/verifications/{check_id}/")
    expect(page.locator("#check-progress")).to_be_visible()
    shot(page, "en-43-audit-check-waiting")
    server.manage(  # the worker runs it (outside any transaction, as db_worker does)
        "shell",
        "-v",
        "0",
        "-c",
        "import uuid\n"
        "from apps.audit import verifications\n"
        f"verifications.run(uuid.UUID('{check_id}'))",
    )
    expect(page.locator("#check-outcome")).to_contain_text("Intact")
    shot(page, "en-44-audit-check-intact")
