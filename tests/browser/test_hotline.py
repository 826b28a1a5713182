"""The operator's intake in headless Chromium: type a repeat call, see the open work order nearby
suggested as its duplicate with the category's reason, link the call to it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from govportal.crypto import blind_index
from grids.models import Building
from hotline.models import Call
from incidents.models import Ticket
from tests.factories import TEST_PASSWORD
from tests.hotline.conftest import WEST_POINT, call_fields, catalogue, dispatched, operator  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def test_operator_links_a_repeat_call_to_the_suggested_duplicate(live_server, page, dispatched, operator, tree):
    existing = dispatched(code="0201", content="小区门口路灯不亮", caller_phone="13900001111").ticket
    Building.objects.create(grid=tree.grids[0], name="一号楼", code="B1", address="西街道幸福路1号",
                            location=WEST_POINT)

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", operator.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}{reverse('hotline-intake')}")

    expect(page.locator("#id_caller_phone")).to_be_focused()  # typing starts at once
    page.keyboard.type("13812341234")
    page.keyboard.press("Tab")
    page.keyboard.type("张先生")
    page.fill("#id_content", "幸福路门口的路灯不亮好几天了，晚上很黑")
    expect(page.locator("#id_category")).to_have_value("0201")  # suggested from the words
    expect(page.locator("#category-why")).to_contain_text("路灯")

    page.fill("#id_address", "幸福路")
    expect(page.locator("#address-options option")).to_have_count(1)
    page.fill("#id_address", "西街道幸福路1号")
    expect(page.locator("#id_lat")).to_have_value(f"{WEST_POINT.y:.7f}")

    duplicate = page.locator("#duplicates li.duplicate", has_text=existing.number)
    expect(duplicate).to_be_visible()
    duplicate.locator("button").click()
    expect(page.locator("#id_link_ticket")).to_have_value(existing.number)
    expect(page.locator("input[name=outcome][value=linked]")).to_be_checked()
    page.click("#call-form button[type=submit]")

    expect(page.locator(".message.success")).to_contain_text(existing.number)
    call = Call.objects.get(caller_phone_hash=blind_index("13812341234"))
    assert (call.outcome, call.ticket_id, call.operator_id) == (Call.Outcome.LINKED, existing.pk, operator.pk)
    assert Ticket.objects.count() == 1  # linked, not a new order
