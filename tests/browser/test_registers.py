"""The registers in headless Chromium: on a phone, a grid worker adds a tenant to a rental house, sees
them masked, records the inspection that was overdue; on a desktop, the community reads its counts."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone
from playwright.sync_api import expect

from grids.models import Building
from registers import services
from registers.defaults import risk_grades_load
from registers.models import House, RiskGrade
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.dated]  # "today" read from the clock: also on the chosen days

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN"}


def _log_in(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def overdue_rental(tree, actors):
    risk_grades_load(RiskGrade)  # the live server's flushed database has lost the migration's rows
    severe = RiskGrade.objects.get(code="C")
    building = Building.objects.create(grid=tree.grids[0], code="B001", name="幸福路1号楼",
                                       address="测试市幸福路1号", location=Point(113.705, 23.005, srid=4326))
    house = House.objects.create(building=building, unit="2", floor=5, room="2-502", floor_area_m2=70)
    return services.rental_house_register(actor=actors.grid_worker, house=house, owner_name="陈房东",
                                          owner_phone="13800001111", grade=severe,
                                          registered_on=timezone.localdate() - timedelta(days=10))


def test_a_tenant_added_and_an_overdue_inspection_recorded_on_a_phone(overdue_rental, actors, live_server, browser,
                                                                        page):
    today = timezone.localdate()
    phone = browser.new_context(**PHONE).new_page()
    _log_in(phone, live_server, actors.grid_worker)
    phone.goto(f"{live_server.url}/registers/")
    expect(phone.locator("#overdue")).to_contain_text("2-502")
    phone.click("#overdue a")
    expect(phone.locator("#next-due .badge")).to_have_text("超时")
    phone.click("#add-resident")
    phone.wait_for_url(f"{live_server.url}/registers/houses/{overdue_rental.house_id}/move-in/")
    phone.select_option("#id_kind", "tenant")
    phone.fill("#id_name", "赵租客")
    phone.fill("#id_id_number", "44190019851231567X")
    phone.fill("#id_phone", "13700001234")
    phone.fill("#id_household", "H2-502")
    phone.fill("#id_lease_start", today.isoformat())
    phone.click("#move-in-form button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/registers/houses/{overdue_rental.house_id}/")
    residents = phone.locator("#residents")
    expect(residents).to_contain_text("赵*客")
    expect(residents).to_contain_text("4419**********567X")
    expect(residents).not_to_contain_text("44190019851231567X")

    phone.fill("#id_findings", "消防通道畅通，电动车未入户")
    phone.click("#inspection-form button[type=submit]")
    expect(phone.locator("#next-due")).to_have_text((today + timedelta(days=7)).strftime("%Y-%m-%d"))
    phone.reload()  # the house with its inspection, photographed
    phone.context.close()

    _log_in(page, live_server, actors.community_staff)
    page.goto(f"{live_server.url}/registers/")
    row = page.locator("#register-counts tbody tr").first
    expect(row).to_contain_text("西社区第1网格")
    expect(row.locator("td").nth(3)).to_have_text("1")  # one tenant
    expect(page.locator("#overdue")).to_contain_text("无")
