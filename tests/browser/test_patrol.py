"""A grid worker's day on the phone (390×844): a check-in refused outside the grid, then made inside it;
a patrol whose track is recorded while the network is gone for part of it — every point reaches the
server once and in order — with a place noted on the way, then ended; and the street's leader, at a
desktop, sees the track on the map of today's tracks."""

import pytest
from playwright.sync_api import expect

from fieldwork.models import CheckIn, Patrol, PatrolFinding, PatrolPoint
from tests.browser.test_incidents import PHONE, city, log_in, wait_until  # noqa: F401 (city is a fixture)
from tests.browser.test_offline import zh_js
from tests.fieldwork.conftest import WALK

pytestmark = pytest.mark.browser

NEIGHBOURING_GRID = {"latitude": 23.005, "longitude": 113.715}  # ~513 m east of the worker's grid


@pytest.fixture
def worker_phone(browser):
    """A phone without the service worker: going offline then cuts every request the page makes."""
    context = browser.new_context(**PHONE, service_workers="block")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def desktop(page):
    """The conftest's desktop page (1280×800), for the leader."""
    return page


def walk_to(page, step):
    lng, lat = WALK[step]
    page.context.set_geolocation({"latitude": lat, "longitude": lng, "accuracy": 8})


def stored_seqs(patrol):
    return list(PatrolPoint.objects.filter(patrol=patrol).order_by("pk").values_list("seq", flat=True))


def test_a_day_in_the_field(worker_phone, desktop, live_server, city, tmp_path):
    page = log_in(worker_phone, live_server, city.grid_worker)
    page.goto(f"{live_server.url}/fieldwork/")

    page.context.set_geolocation(NEIGHBOURING_GRID)
    page.click("#check-in-button")
    expect(page.locator("#check-in-status")).to_contain_text("513")
    assert not CheckIn.objects.exists()
    walk_to(page, 0)
    page.click("#check-in-button")
    expect(page.locator("#check-in-button")).to_have_count(0)
    assert CheckIn.objects.get().worker == city.grid_worker
    page.screenshot(path=str(tmp_path / "fieldwork-phone.png"), full_page=True)

    page.click("#start-patrol")
    patrol = Patrol.objects.get()
    page.wait_for_url(f"{live_server.url}/fieldwork/patrols/{patrol.pk}/")
    expect(page.locator("#wake-lock-status")).not_to_be_empty()
    walk_to(page, 1)
    wait_until(page, lambda: len(stored_seqs(patrol)) == 2)

    page.context.set_offline(True)  # the network drops for two fixes: they wait on the phone
    walk_to(page, 2)
    expect(page.locator("#patrol-waiting")).to_have_text("1")  # recorded before the next fix comes
    walk_to(page, 3)
    expect(page.locator("#patrol-waiting")).to_have_text("2")
    assert len(stored_seqs(patrol)) == 2
    page.context.set_offline(False)  # back: `online` sends what was kept, before the next fix
    wait_until(page, lambda: len(stored_seqs(patrol)) == 4)
    walk_to(page, 4)
    wait_until(page, lambda: len(stored_seqs(patrol)) == 5)
    expect(page.locator("#patrol-waiting")).to_have_text("0")

    assert sorted(stored_seqs(patrol)) == [0, 1, 2, 3, 4]
    patrol.refresh_from_db()
    assert [tuple(round(c, 4) for c in xy) for xy in patrol.track.coords] == WALK
    page.fill("#id_note", "消防通道畅通")
    page.click("#nothing-found-form button")
    expect(page.locator("#findings li")).to_contain_text("消防通道畅通")
    assert PatrolFinding.objects.get().kind == PatrolFinding.Kind.NOTHING_FOUND
    page.screenshot(path=str(tmp_path / "patrol-phone.png"), full_page=True)

    page.click("#end-patrol")
    expect(page.locator("#end-patrol")).to_have_count(0)
    patrol.refresh_from_db()
    assert patrol.status == Patrol.Status.ENDED and patrol.point_count == 5
    expect(page.locator("#patrol-distance")).to_have_text(zh_js("%s m").replace("%s", "410"))

    desk = log_in(desktop, live_server, city.leader)
    desk.goto(f"{live_server.url}/fieldwork/figures/")
    expect(desk.locator("#tracks-map path.leaflet-interactive")).to_have_count(1)
    expect(desk.locator("#tracks-status")).to_have_text(zh_js("%s patrols with a track today.").replace("%s", "1"))
    desk.screenshot(path=str(tmp_path / "figures-desktop.png"), full_page=True)
