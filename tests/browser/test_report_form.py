"""The report form on a phone offers only what the chosen category allows, urgency and complexity as two
choices."""

import pytest
from playwright.sync_api import expect

from incidents.models import Urgency
from tests.browser.test_incidents import city, log_in, phone  # noqa: F401 - fixtures and the log-in step

pytestmark = pytest.mark.browser


def test_urgency_and_complexity_are_two_choices_following_the_category(city, live_server, phone,  # noqa: F811
                                                                        tmp_path):
    log_in(phone, live_server, city.grid_worker)
    phone.goto(f"{live_server.url}/tickets/new/")
    urgency, urgent = phone.locator("select[name=urgency]"), phone.locator("#id_urgent")
    phone.locator("select[name=category]").select_option("0202")  # 井盖: every urgency
    # The select offers the complexities, a checkbox the urgency.
    expect(urgency.locator("option[value=urgent]")).to_be_disabled()
    expect(urgency.locator("option[value=complex]")).to_be_enabled()
    urgency.select_option(Urgency.COMPLEX.value)
    urgent.check()
    expect(urgency).to_be_hidden()
    expect(urgency).to_have_value(Urgency.URGENT.value)  # what the form sends
    phone.screenshot(path=str(tmp_path / "report-urgent.png"), full_page=True)
    urgent.uncheck()
    expect(urgency).to_have_value(Urgency.COMPLEX.value)  # the complexity chosen before comes back
    urgent.check()
    phone.locator("select[name=category]").select_option("0102")  # 乱堆放: routine matters only
    expect(urgent).to_be_hidden()
    expect(urgency).to_be_visible()
    expect(urgency).to_have_value(Urgency.COMPLEX.value)  # urgent gave way (not kept hidden); the complexity stays
    phone.screenshot(path=str(tmp_path / "report-urgency.png"), full_page=True)
