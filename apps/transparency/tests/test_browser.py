"""A visitor, signed in as nobody, finds the public statistics from the home page,
reads the epsilon, the tables and the monthly chart, and downloads the signed JSON."""

import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.plumbing import Server, shot

pytestmark = pytest.mark.browser

MAKE_MONTHS = (
    "from apps.transparency.tests.conftest import make_offices, registrations\n"
    "make_offices('PAT')\n"
    "for month, count in [('2026-07', 140), ('2026-08', 90), ('2026-09', 160), ('2026-10', 3)]:\n"
    "    registrations(count, month, office='PAT')\n"
)


def test_a_visitor_reads_and_downloads_the_statistics(server: Server, browser_page: Page) -> None:
    page = browser_page
    server.manage("shell", "-v", "0", "-c", MAKE_MONTHS)
    server.manage("statistics", "release", "--period", "2026-07..2026-10", "--epsilon", "2")
    page.context.clear_cookies()
    page.goto(server.url + "/")
    page.get_by_role("link", name="Public statistics").click()
    expect(page.locator("h1")).to_have_text("Public statistics")
    expect(page.locator("#latest")).to_contain_text("Epsilon for this release: 2")
    expect(page.locator("#monthly-chart")).to_be_visible()
    expect(page.locator("#table-registrations_by_month")).to_contain_text("2026-09")
    expect(page.locator("#budget")).to_contain_text("12")
    shot(page, "en-70-public-statistics")
    release_id = page.locator("#latest").get_attribute("data-release")
    body = page.request.get(f"{server.url}/transparency/statistics/{release_id}.json").json()
    assert body["release"]["period"]["label"] == "2026-07-to-2026-10"
    assert body["signature"]["algorithm"] == "Ed25519"
    saved = json.dumps(body)
    assert "filer@example.org" not in saved
