"""The report form on a phone offers only what the chosen category allows."""

import pytest
from playwright.sync_api import expect

from incidents.models import Urgency
from tests.browser.test_incidents import city, log_in, phone  # noqa: F401 - fixtures and the log-in step

pytestmark = pytest.mark.browser


def test_the_urgency_list_follows_the_category(city, live_server, phone, tmp_path):  # noqa: F811
    log_in(phone, live_server, city.grid_worker)
    phone.goto(f"{live_server.url}/tickets/new/")
    urgency = phone.locator("select[name=urgency]")
    phone.locator("select[name=category]").select_option("0202")  # 井盖: every urgency
    expect(urgency.locator("option[value=urgent]")).to_be_enabled()
    urgency.select_option(Urgency.URGENT.value)
    phone.locator("select[name=category]").select_option("0102")  # 乱堆放: routine matters only
    expect(urgency.locator("option[value=urgent]")).to_be_disabled()
    expect(urgency).to_have_value(Urgency.ORDINARY.value)  # the urgent choice gave way, not kept hidden
    phone.screenshot(path=str(tmp_path / "report-urgency.png"), full_page=True)
