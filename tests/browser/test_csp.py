"""The Content-Security-Policy in the browser: inline code without the response's nonce does not run
(and the suite's watch reports it), while the pages whose inline code carries the nonce work: the
admin's map widget (django-leaflet) and the Swagger UI."""

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import log_in_verified

pytestmark = pytest.mark.browser


def signed_in_page(browser, live_server, user):
    """A page whose context carries a session of `user`, past the administrators' second factor."""
    client = Client()
    log_in_verified(client, user)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def wait_for_report(page, violations):
    """Wait until a violation was reported: the browser's report reaches this process while Playwright waits."""
    for _ in range(100):
        if violations:
            return
        page.wait_for_timeout(50)


def test_an_inline_script_without_the_nonce_is_refused_and_reported(live_server, page, csp_violations):
    page.goto(f"{live_server.url}/login/")
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.inlineRan = true";
        document.body.append(script);
    }""")
    wait_for_report(page, csp_violations)

    assert page.evaluate("window.inlineRan") is None
    assert [(v["directive"], v["blocked"]) for v in csp_violations] == [("script-src-elem", "inline")]
    csp_violations.clear()  # seen: the watch must not fail this test


def test_the_admin_map_widget_runs_with_the_nonce(transactional_db, tree, actors, live_server, browser):
    page = signed_in_page(browser, live_server, actors.admin)
    page.goto(f"{live_server.url}/admin/grids/area/{tree.grids[0].pk}/change/")

    page.wait_for_selector(".leaflet-container path.leaflet-interactive")  # the grid's polygon, drawn
    page.context.close()


def test_swagger_ui_lists_the_operations(transactional_db, tree, actors, live_server, browser):
    page = signed_in_page(browser, live_server, actors.leader)
    page.goto(f"{live_server.url}/api/docs/")

    # Swagger UI runs under the nonce and draws the operations (more than the first).
    page.wait_for_function("(least) => document.querySelectorAll('.opblock').length > least", arg=10)
    page.context.close()
