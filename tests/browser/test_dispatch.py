"""Dispatching in headless Chromium, one journey: the intake pre-selects the catalogue's lead unit, the
operator sends the order elsewhere with a reason, that unit objects on the order's page, and the
operator re-dispatches it; the order's page shows the choice and the objection."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dispatch.models import DispatchObjection, DispatchOverride
from dispatch.services import OVERRIDE_REASON_REQUIRED, catalogue_entry_create
from grids.models import Building
from incidents.models import Ticket
from incidents.services import ticket_route
from tests.dispatch.conftest import units  # noqa: F401 - fixture
from tests.factories import TEST_PASSWORD
from tests.hotline.conftest import WEST_POINT, catalogue, operator  # noqa: F401 - fixtures
from tests.pages import zh

pytestmark = pytest.mark.browser


def logged_in(browser, live_server, user, **context):
    page = browser.new_context(locale="zh-CN", **context).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_intake_override_objection_and_redispatch(live_server, browser, catalogue, operator, units, tree, tmp_path):
    catalogue_entry_create(category=catalogue["0202"], lead_unit=units["water"], co_units=[units["urban"]])
    Building.objects.create(grid=tree.grids[0], name="一号楼", code="B1", address="西街道幸福路1号",
                            location=WEST_POINT)
    desk = logged_in(browser, live_server, operator, viewport={"width": 1280, "height": 800})
    desk.goto(f"{live_server.url}{reverse('hotline-intake')}")
    desk.keyboard.type("13812341234")
    desk.fill("#id_content", "小区门口井盖缺失")
    desk.select_option("#id_category", "0202")
    desk.fill("#id_address", "幸福路")
    expect(desk.locator("#address-options option")).to_have_count(1)
    desk.fill("#id_address", "西街道幸福路1号")  # a standard address: the place is set
    expect(desk.locator("#id_lead_unit")).to_have_value(units["water"].code)  # the catalogue's proposal
    expect(desk.locator("#dispatch-proposal")).to_contain_text("测试区城管局")  # and its co-handler
    desk.select_option("#id_lead_unit", units["housing"].code)
    desk.click("#call-form button[type=submit]")  # without a reason: refused, the choice kept
    expect(desk.locator("#call-form")).to_contain_text(zh(OVERRIDE_REASON_REQUIRED))
    expect(desk.locator("#id_lead_unit")).to_have_value(units["housing"].code)
    expect(desk.locator("#id_override_reason")).to_have_attribute("required", "")
    desk.fill("#id_override_reason", "小区内井盖，属物业管养")
    desk.screenshot(path=str(tmp_path / "intake-desktop.png"), full_page=True)
    desk.click("#call-form button[type=submit]")
    expect(desk.locator(".message.success")).to_be_visible()
    ticket = ticket_route(ticket_id=Ticket.objects.get().pk)
    assert ticket.handling_unit == units["housing"] and DispatchOverride.objects.filter(ticket=ticket).exists()

    phone = logged_in(browser, live_server, units["housing_handler"], viewport={"width": 390, "height": 844},
                      is_mobile=True, has_touch=True)
    phone.goto(f"{live_server.url}{reverse('ticket-detail', args=[ticket.pk])}")
    expect(phone.locator("#ticket-dispatch")).to_contain_text("小区内井盖，属物业管养")
    objection = phone.locator("form[data-action=object]")
    objection.locator("summary").click()
    objection.locator("textarea[name=reason]").fill("井盖属市政排水设施，不属住建")
    objection.locator("button[type=submit]").click()
    expect(phone.locator(".message.success")).to_be_visible()
    expect(phone.locator("#ticket-dispatch .objections")).to_contain_text(
        zh(DispatchObjection.Outcome.PENDING))
    phone.screenshot(path=str(tmp_path / "detail-phone.png"), full_page=True)

    desk.goto(f"{live_server.url}{reverse('ticket-detail', args=[ticket.pk])}")
    redispatch = desk.locator("form[data-action=redispatch]")
    redispatch.locator("summary").click()
    redispatch.locator("select[name=unit]").select_option(units["water"].code)
    redispatch.locator("textarea[name=reason]").fill("异议成立，改派水务局")
    redispatch.locator("button[type=submit]").click()
    expect(desk.locator("#ticket-dispatch .objections")).to_contain_text(zh(DispatchObjection.Outcome.REDISPATCHED))
    desk.screenshot(path=str(tmp_path / "detail-desktop.png"), full_page=True)
    assert Ticket.objects.get(pk=ticket.pk).handling_unit == units["water"]
