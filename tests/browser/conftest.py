"""Headless Chromium (Debian's package) driven by Playwright against Django's live server.

Every page of every browser context the tests open reports the Content-Security-Policy violations
it meets; a test during which any occurred fails, naming them.
"""

import shutil

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]

# Runs in every document before its own scripts (Playwright's init scripts are not subject to the
# page's policy); the binding carries each violation to the test process.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
    window.reportCspViolation({
        directive: event.effectiveDirective, blocked: event.blockedURI, page: event.documentURI,
        source: event.sourceFile, line: event.lineNumber, sample: event.sample,
    });
});
"""


class CspWatchedBrowser:
    """The session's Chromium, whose every new context reports CSP violations to `violations`."""

    def __init__(self, browser, violations):
        self._browser = browser
        self.violations = violations

    def new_context(self, **options):
        return self._watched(self._browser.new_context(**options))

    def new_page(self, **options):
        page = self._browser.new_page(**options)  # in a context of its own, closed with the page
        self._watched(page.context)
        return page

    def _watched(self, context):
        context.expose_binding("reportCspViolation", lambda source, violation: self.violations.append(violation))
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        return context

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def chromium():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def csp_violations():
    """The CSP violations the test's pages reported; the test fails unless it is empty at the end."""
    violations = []
    yield violations
    if violations:
        pytest.fail(f"Content-Security-Policy violations: {violations}", pytrace=False)


@pytest.fixture
def browser(chromium, csp_violations):
    return CspWatchedBrowser(chromium, csp_violations)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def log_in(live_server, page):
    def log_in_as(username, password):
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return log_in_as
