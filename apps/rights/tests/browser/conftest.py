"""The project's browser plumbing (a real server process, Debian's chromium), shared
with tests/browser."""

from tests.browser.conftest import browser_page, server  # noqa: F401 - fixtures
