import re

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import expect

from grids.demo import DEMO_PASSWORD
from grids.models import Area, GridMember
from incidents.models import Category, Ticket
from incidents.services import ticket_create, ticket_route
from tests.grids.test_coords import REFERENCE

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_city(transactional_db, catalogue):
    call_command("seed_demo", grids=40, history_days=0)


def test_map_shows_the_demo_grids_with_chinese_text(demo_city, live_server, log_in, tmp_path):
    page = log_in("demo_community", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/map/")
    assert page.locator("h1").inner_text() == "网格地图"
    grids = page.locator("path.area-grid")
    grids.first.wait_for()
    assert grids.count() >= 8  # the community's grids, drawn from the GeoJSON API
    box = grids.first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    info = page.locator("#area-info")
    info.locator("h2").wait_for()
    text = info.inner_text()
    assert re.search(r"第\d+网格", text)
    assert re.search(r"\b\d{15}\b", text)  # the grid's 15-digit code
    assert "网格员" in text  # its staff
    page.screenshot(path=str(tmp_path / "map.png"), full_page=True)


def test_map_in_english_after_switching_language(demo_city, live_server, log_in):
    page = log_in("demo_coordinator", DEMO_PASSWORD)
    with page.expect_navigation():  # the choice posts the language form (language.js)
        page.select_option("select[name=language]", "en")
    page.goto(f"{live_server.url}/map/")
    assert page.locator("h1").inner_text() == "Grid map"


# Whether some area name of the map `selector` lies within the map's frame (off-screen names come into view).
LABEL_IN_VIEW = """(selector) => {
    const frame = document.querySelector(selector).getBoundingClientRect();
    return [...document.querySelectorAll(selector + " .basemap-label")].some((label) => {
        const box = label.getBoundingClientRect(), x = box.x + box.width / 2, y = box.y + box.height / 2;
        return frame.left <= x && x <= frame.right && frame.top <= y && y <= frame.bottom;
    });
}"""


def inside(box, frame):
    """Return whether the centre of `box` lies within `frame` (Playwright bounding boxes)."""
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    return frame["x"] <= x <= frame["x"] + frame["width"] and frame["y"] <= y <= frame["y"] + frame["height"]


def test_without_tiles_the_phone_maps_draw_the_area_tree_with_names(demo_city, live_server, browser, tmp_path):
    grid = GridMember.objects.get(user__username="demo_gridworker").grid
    here = grid.geom.point_on_surface
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True,
        geolocation={"latitude": here.y, "longitude": here.x}, permissions=["geolocation"], locale="zh-CN",
    )
    phone = context.new_page()
    phone.set_default_timeout(15_000)

    # A resident's /report/: the public outline (districts to communities, named), no grids.
    phone.goto(f"{live_server.url}/report/")
    expect(phone.locator("#report-map .basemap-label").first).to_be_visible()
    phone.wait_for_function(LABEL_IN_VIEW, arg="#report-map")  # once the map has settled on the phone's place
    assert phone.locator("#report-map path.basemap-community").count() >= 1
    assert phone.locator("#report-map path.basemap-grid").count() == 0
    assert phone.locator("#report-map .basemap-place").count() == 0
    phone.screenshot(path=str(tmp_path / "citizen-report-map-phone.png"), full_page=True)

    # The grid worker's report form: the district's grids named, their own highlighted, places around.
    phone.goto(f"{live_server.url}/login/")
    phone.fill("#id_username", "demo_gridworker")
    phone.fill("#id_password", DEMO_PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/tickets/new/")
    phone.wait_for_function("() => document.getElementById('id_lat').value !== ''")  # the phone's position, zoom 17
    expect(phone.locator("#report-map")).to_have_attribute("data-basemap-zoom", "17")
    assert phone.locator("#report-map path.basemap-grid").count() >= 4
    assert phone.locator("#report-map path.basemap-grid.basemap-own").count() == 1
    own_label = phone.locator("#report-map .basemap-label.own")
    expect(own_label).to_have_text(grid.name)
    assert inside(own_label.bounding_box(), phone.locator("#report-map").bounding_box())
    assert phone.locator("#report-map .basemap-label-grid").count() >= 4
    assert phone.locator("#report-map .basemap-place").count() >= 1  # the demo's buildings and key places
    phone.screenshot(path=str(tmp_path / "report-map-phone.png"), full_page=True)

    # Over GCJ-02 tiles the overlays are shifted by the published formula: the reference pairs.
    for wgs_lat, wgs_lng, gcj_lat, gcj_lng in REFERENCE:
        shifted = phone.evaluate("([lng, lat]) => GovBasemap.wgs84ToGcj02(lng, lat)", [wgs_lng, wgs_lat])
        assert shifted == pytest.approx([gcj_lng, gcj_lat], abs=1e-9)
        back = phone.evaluate("([lng, lat]) => GovBasemap.gcj02ToWgs84(lng, lat)", [gcj_lng, gcj_lat])
        assert back == pytest.approx([wgs_lng, wgs_lat], abs=1e-8)
    context.close()


def _grid_away_from_open_tickets(*, street, metres=500):
    """A grid of `street` whose centre lies `metres` or more from every open work order the demo made, so
    a cluster of the test's own orders there counts them alone."""
    opened = [ticket.location for ticket in Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES)]
    for grid in Area.objects.filter(level=Area.Level.GRID, code__startswith=street.code).order_by("code"):
        centre = grid.geom.point_on_surface
        if all(centre.distance(place) * 100_000 >= metres for place in opened):  # degrees to metres, roughly
            return grid
    raise AssertionError(f"no grid of {street} lies {metres} m from the demo's open work orders")


def test_board_clusters_tickets_with_a_count_and_labels_each(demo_city, live_server, log_in, tmp_path):
    worker = GridMember.objects.get(user__username="demo_gridworker")
    centre = _grid_away_from_open_tickets(street=worker.grid.parent.parent).geom.point_on_surface
    category = Category.objects.get(code="0102")
    tickets = []
    for n in range(8):  # some 20 m apart: one cluster at the board's zoom 16, apart at 19
        ticket, _created = ticket_create(
            source=Ticket.Source.GRID_WORKER, category=category, description=f"路边垃圾堆积 {n}",
            location=Point(centre.x + 0.0002 * (n % 4), centre.y + 0.00025 * (n // 4), srid=4326),
            reporter=worker.user,
        )
        tickets.append(ticket_route(ticket_id=ticket.pk))
    assert len({ticket.status for ticket in tickets}) == 1
    with translation.override("zh-hans"):
        status = str(tickets[0].get_status_display())

    page = log_in("demo_coordinator", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/tickets/board/")
    cluster = page.locator("#board-map .marker-cluster", has_text=re.compile(r"^8$"))
    expect(cluster).to_have_count(1)  # ours alone: their grid lies apart from the demo's open orders
    expect(page.locator("#board-map .basemap-label").first).to_be_visible()  # on the area tree
    page.screenshot(path=str(tmp_path / "board-clustered.png"), full_page=True)

    cluster.click()  # zooms in until the tickets stand apart
    dots = page.locator("#board-map .ticket-dot")
    for ticket in tickets:  # each of ours a dot of its own (the demo's other open orders lie elsewhere)
        expect(dots.and_(page.locator(f"[title^='{ticket.number} ']"))).to_have_count(1)
    label = f"{tickets[0].number} · 乱堆放 · {status}"  # number, category, state
    dots.and_(page.locator(f"[title='{label}']")).hover()
    expect(page.locator("#board-map .leaflet-tooltip-pane .leaflet-tooltip")).to_have_text(label)
    page.screenshot(path=str(tmp_path / "board-apart.png"), full_page=True)
