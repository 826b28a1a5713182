"""The dashboard, the big screen and the governance map in headless Chromium: the ECharts charts
draw (canvas present and not blank), the map shows the areas, and no script fails."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.gis.geos import Point
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from components.catalogue import kinds_load
from components.models import Component, ComponentKind
from incidents.catalogue import catalogue_load
from incidents.models import Category, Ticket
from incidents.services import ticket_create, ticket_route
from incidents.worktime import calendar_sync_from_package
from tests.browser.conftest import SCREENSHOTS
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.dated]

# A working Friday late in a month: the five reports made 0-4 days before it all fall in "this month".
LATE_IN_MONTH = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

# Non-transparent pixels of the chart's canvas (ECharts draws on a 2D canvas).
INKED_PIXELS = """(selector) => {
    const canvas = document.querySelector(selector + " canvas");
    if (!canvas || !canvas.width) return 0;
    const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) inked++;
    return inked;
}"""
CHARTS = ("#chart-trend", "#chart-categories", "#chart-children")


@pytest.fixture
def city(transactional_db, actors, tree):
    """The test tree with its actors and a few reports in both streets, committed for the live server;
    the test runs on LATE_IN_MONTH's clock (ticking: the live server and the pages' timers need time to pass)."""
    with time_machine.travel(LATE_IN_MONTH, tick=True):
        yield _reports(actors, tree)


def _reports(actors, tree):
    catalogue_load(Category)
    calendar_sync_from_package()
    for index, (grid, code) in enumerate([(0, "0102"), (1, "0102"), (1, "0201"), (2, "0103"), (3, "0102")]):
        centre = tree.grids[grid].geom.centroid
        ticket, _ = ticket_create(source=Ticket.Source.GRID_WORKER, category=Category.objects.get(code=code),
                                  description="楼道堆放杂物", location=Point(centre.x, centre.y, srid=4326),
                                  reporter=actors.grid_worker)
        ticket_route(ticket_id=ticket.pk)
        Ticket.objects.filter(pk=ticket.pk).update(created_at=timezone.now() - timedelta(days=index))
    return actors


def watch_errors(page):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def log_in(page, live_server, user):
    if user.is_administrator:  # with an enrolled device: the second step asks for its code
        device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "phone"})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    if user.is_administrator:
        page.wait_for_url(f"{live_server.url}/otp/verify/**")
        page.fill("#id_code", str(TOTP(device.bin_key).token()).zfill(6))
        page.click("main button[type=submit]")  # not the header's log-out button
    page.wait_for_url(f"{live_server.url}/")


def assert_charts_drawn(page):
    for selector in CHARTS:
        # A function, not an expression: Playwright evaluates an expression with eval(), which the CSP refuses.
        page.wait_for_function(f"(selector) => ({INKED_PIXELS})(selector) > 500", arg=selector)


def assert_tooltip_styled(page, selector):
    """Hovering a chart shows ECharts' tooltip, its series markers coloured by their style attributes
    (admitted by the Content-Security-Policy's style-src-attr)."""
    page.hover(f"{selector} canvas", position={"x": 300, "y": 150})
    marker = page.wait_for_selector(f"{selector} span[style*=background-color]")
    assert marker.evaluate("(span) => getComputedStyle(span).backgroundColor") != "rgba(0, 0, 0, 0)"


def test_dashboard_draws_its_charts(browser, live_server, city, tree, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    errors = watch_errors(page)
    log_in(page, live_server, city.admin)
    page.goto(f"{live_server.url}/dashboard/{tree.city.code}/")
    assert page.inner_text("[data-figure=month-reported]") == "5"
    assert_charts_drawn(page)
    assert_tooltip_styled(page, "#chart-trend")
    page.screenshot(path=tmp_path / "dashboard.png", full_page=True)
    page.click(f"table[data-table=children] a:text('{tree.district.name}')")
    page.wait_for_url(f"{live_server.url}/dashboard/{tree.district.code}/")
    assert_charts_drawn(page)
    assert errors == []
    page.close()


def test_big_screen_fills_a_wall_and_refreshes_from_the_api(browser, live_server, city, tree, tmp_path):
    page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    errors = watch_errors(page)
    log_in(page, live_server, city.leader)
    page.goto(f"{live_server.url}/dashboard/screen/")
    page.wait_for_function("() => document.getElementById('updated').textContent !== '—'")
    assert page.inner_text("[data-figure=open_now]") == "3"  # the west street's open tickets
    assert_charts_drawn(page)
    size = page.evaluate("[document.body.scrollWidth, document.body.scrollHeight]")
    assert size == [1920, 1080]
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(11, 20, 38)"  # dark theme
    page.wait_for_timeout(1500)  # let the charts' entry animation finish before the screenshot
    page.screenshot(path=tmp_path / "screen.png")
    assert errors == []
    page.close()


def _components(tree, owner):
    """A good lamp and a damaged litter bin in the west community's first grid."""
    kinds_load(ComponentKind)
    grid, centre = tree.grids[0], tree.grids[0].geom.centroid
    for sequence, (kind, state) in enumerate([("0118", "good"), ("0306", "damaged")], start=1):
        Component.objects.create(code=f"{tree.district.code}{kind}{sequence:06d}", kind=ComponentKind.objects.get(
            code=kind), owner_unit=owner, state=state, location=Point(centre.x + 0.002 * sequence, centre.y, srid=4326),
            grid=grid, area_code=grid.code)


def test_map_shades_areas_drills_down_and_toggles_the_registered_layers(browser, live_server, city, tree):
    _components(tree, city.department_handler.unit)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    errors = watch_errors(page)
    log_in(page, live_server, city.leader)
    page.goto(f"{live_server.url}/dashboard/{tree.west_street.code}/map/")
    page.wait_for_selector("#map[data-loaded=true]")
    assert page.locator("path.leaflet-interactive").count() >= 1
    assert page.locator(".cluster").count() == 1  # the west street's one community
    page.locator("path.leaflet-interactive").first.click(position={"x": 8, "y": 8})  # beside the cluster
    page.click("#map-info a.drill-down")
    page.wait_for_url(f"{live_server.url}/dashboard/{tree.west_community.code}/map/")
    page.wait_for_selector("#map[data-loaded=true]")
    assert page.locator(".cluster").count() == 2  # one per grid
    shapes = page.locator("path.leaflet-interactive").count()
    page.check("input[name=extra-layer][value=components]")
    page.wait_for_selector("input[value=components][data-features='2']:not([disabled])")
    assert page.locator("path.leaflet-interactive").count() == shapes + 2
    assert page.locator("#map-legend li").count() == 5  # one colour per state
    page.check("input[name=extra-layer][value=patrol_tracks]")
    page.wait_for_selector("input[value=patrol_tracks][data-features='0']:not([disabled])")
    page.screenshot(path=SCREENSHOTS / "dashboard-map-layers@1280.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=SCREENSHOTS / "dashboard-map-layers@390.png", full_page=True)
    page.uncheck("input[name=extra-layer][value=components]")
    assert page.locator("path.leaflet-interactive").count() == shapes
    assert page.locator("#map-legend").is_hidden()
    assert errors == []
    page.close()
