"""Headless Chromium (Debian's package) driven by Playwright against Django's live server.

Every page of every browser context the tests open reports the Content-Security-Policy violations
it meets; a test during which any occurred fails, naming them. The pages the tests go to are photographed
into SCREENSHOTS (one file per path and viewport width), for people to look at.
"""

import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
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


SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"  # scripts/test.sh names it
_photographed = set()  # the file names written in this run


def photograph(page):
    """Save the whole page, once per path and viewport width in a run."""
    url = urlsplit(page.url)
    if url.scheme not in ("http", "https") or not page.viewport_size:
        return  # the browser's own error page, or a window without a set size
    path = url.path.strip("/") or "home"
    name = f"{re.sub(r'[^A-Za-z0-9_-]+', '_', path)}@{page.viewport_size['width']}.png"
    if name not in _photographed:
        _photographed.add(name)
        page.screenshot(path=SCREENSHOTS / name, full_page=True)


def photographed(page):
    """Return `page`, photographed whenever one of its navigations returns. (A screenshot taken on the page's
    load event would race the test's next step: Playwright runs event handlers while the test goes on.)"""
    for name in ("goto", "reload", "go_back", "wait_for_url"):
        navigate = getattr(page, name)

        def navigate_then_photograph(*args, _navigate=navigate, **kwargs):
            answer = _navigate(*args, **kwargs)
            photograph(page)
            return answer

        setattr(page, name, navigate_then_photograph)
    return page


class CspWatchedBrowser:
    """The session's Chromium, whose every new context reports CSP violations to `violations`."""

    def __init__(self, browser, violations):
        self._browser = browser
        self.violations = violations

    def new_context(self, **options):
        context = self._watched(self._browser.new_context(**options))
        new_page = context.new_page
        context.new_page = lambda: photographed(new_page())
        return context

    def new_page(self, **options):
        page = self._browser.new_page(**options)  # in a context of its own, closed with the page
        self._watched(page.context)
        return photographed(page)

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
