"""Olu, an officer, signs in with his authenticator, opens a case for a stated purpose,
records the appointment, takes the photo and fingers at the capture station (watching
its progress) and registers the person; Sam, a supervisor, sees the backlog."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.plumbing import Server, fresh_totp_code, shot

pytestmark = pytest.mark.browser
DEMO_PASSWORD = "demo-registry-2025"


def staff_sign_in(page: Page, server: Server, email: str) -> None:
    page.context.clear_cookies()
    page.goto(server.url + "/accounts/login/?next=/console/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/console/second-factor/\?next="))
    page.fill("input[name=code]", fresh_totp_code(email))
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(f"{server.url}/console/")


def scheduled_case(server: Server) -> str:
    """A registrant's case at the appointment stage, made through the services."""
    return server.manage(
        "shell",
        "-v",
        "0",
        "-c",
        "import uuid\n"
        "from apps.accounts.models import User\n"
        "from apps.registrations import services, casework\n"
        "from conftest import VALID_FORM\n"
        "amal = User.objects.get(email='amal@example.org')\n"
        "olu = User.objects.get(email='olu.officer@example.org')\n"
        "case, _ = services.file_registration(amal, program_slug='us-2025', for_child=False,"
        " data=VALID_FORM, language='en', idempotency_key=str(uuid.uuid4()))\n"
        "casework.schedule_biometrics(olu, case, office_code='NWK', reason='booked')\n"
        "print(case.case_number)",
    ).strip()


def capture_at_the_station(page: Page, server: Server, case_number: str, tmp: Path) -> None:
    """A photo and four fingers; every other finger recorded as missing. Leaving one
    blank is refused first, naming it. While the analysis runs (a few seconds) the page
    shows how far it has got."""
    from apps.biometrics.face import samples
    from apps.biometrics.fingerprints import synthetic

    photo = tmp / "photo.png"
    photo.write_bytes(samples.png(samples.people()["astronaut"]))
    fingers = {2: 71, 3: 72, 7: 73, 8: 74}
    files = {}
    for position, seed in fingers.items():
        files[position] = tmp / f"finger-{position}.png"
        image = synthetic.impression(synthetic.master_finger(seed), 1)
        files[position].write_bytes(synthetic.png_bytes(image))

    def fill(*, forget: int | None = None) -> None:
        page.set_input_files("#id_photo", str(photo))
        for position, path in files.items():
            page.set_input_files(f"#id_finger_{position}", str(path))
        for position in {1, 4, 5, 6, 9, 10} - {forget}:
            page.select_option(f"select[name=exception_{position}]", "missing")

    page.goto(f"{server.url}/biometrics/cases/{case_number}/capture/")
    fill(forget=10)
    page.locator("#capture-form button[type=submit]").click()
    expect(page.locator("#finger-errors-10")).to_be_visible()
    expect(page.locator("select[name=exception_4]")).to_have_value("missing")  # kept
    shot(page, "en-22a-capture-blank-finger-refused")

    # While the post runs, the page polls how far it has got. Playwright's locators wait
    # for the navigation the post started, so the test reads the polls' answers.
    polls: list[dict[str, object]] = []

    def relay(route: Route) -> None:
        answer = route.fetch()
        polls.append(answer.json())
        route.fulfill(response=answer)

    page.route("**/capture/progress/**", relay)
    fill()
    page.locator("#capture-form button[type=submit]").click()
    expect(page).to_have_url(f"{server.url}/console/cases/{case_number}/", timeout=60_000)
    page.unroute("**/capture/progress/**")
    checking = [p for p in polls if str(p["label"]).startswith("Checking")]
    assert checking, polls
    assert {p["total"] for p in checking} == {6}  # the photo, four fingers, saving


def test_olu_registers_a_person_and_sam_sees_the_backlog(
    server: Server, browser_page: Page, tmp_path: Path
) -> None:
    page = browser_page
    case_number = scheduled_case(server)
    staff_sign_in(page, server, "olu.officer@example.org")
    shot(page, "en-20-console-queue")

    page.goto(f"{server.url}/console/cases/{case_number}/")
    expect(page.locator("main")).not_to_contain_text("Haddad")  # nothing personal yet
    page.check("#open-record input[name=purpose][value=case-processing]")
    page.locator("#open-record button[type=submit]").click()
    expect(page.locator("#stated-purpose")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Haddad")
    shot(page, "en-21-record-opened-for-a-purpose")

    page.goto(f"{server.url}/console/cases/{case_number}/")
    page.check("#interview input[name=document_checked]")
    page.fill("#interview textarea[name=notes]", "Passport checked.")
    page.locator("#interview button[type=submit]").click()
    expect(page.locator("#interview-recorded")).to_be_visible()
    # Nothing was taken yet: the case still waits for its photo and fingerprints.
    expect(page.locator("#case-state")).to_have_attribute("data-state", "biometrics_scheduled")

    capture_at_the_station(page, server, case_number, tmp_path)
    expect(page.locator("#case-state")).to_have_attribute("data-state", "biometrics_captured")
    page.locator("#decision-register button[type=submit]").click()
    expect(page.locator("#case-state")).to_have_attribute("data-state", "registered")
    shot(page, "en-22-registered")

    staff_sign_in(page, server, "sam.supervisor@example.org")
    page.goto(f"{server.url}/console/dashboard/")
    expect(page.locator("#office-chart")).to_be_visible()
    expect(page.locator("#office-figures")).to_contain_text("NWK")
    shot(page, "en-23-supervisor-dashboard")
