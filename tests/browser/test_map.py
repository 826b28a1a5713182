import re

import pytest
from django.core.management import call_command

from grids.demo import DEMO_PASSWORD

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
    page.select_option("select[name=language]", "en")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/map/")
    assert page.locator("h1").inner_text() == "Grid map"
