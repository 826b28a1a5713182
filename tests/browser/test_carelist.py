"""Special groups in headless Chromium on a phone (390×844): a helper opens their visits due, finds the
overdue person first, records a phone visit and sees it on the person's file with the next visit moved.
Dates are relative to today, so it holds on any day."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from carelist.models import CarePerson, CareVisit
from tests.carelist.conftest import care, care_groups, person_make  # noqa: F401  (fixtures)
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.dated]  # "today" read from the clock: also on the chosen days

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN"}


def test_a_helper_records_a_visit_on_a_phone(person_make, care, live_server, browser, tmp_path):  # noqa: F811
    today = timezone.localdate()
    person_make("陈桂英", levels=(("lonely_elderly", 2),), registered_on=today)
    overdue = person_make("李建国", registered_on=today - timedelta(days=30))  # level 1: due 23 days ago

    phone = browser.new_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/login/")
    phone.fill("#id_username", care.helper.username)
    phone.fill("#id_password", TEST_PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/carelist/")
    expect(phone.locator("#visits-due li .who")).to_have_text(["李建国", "陈桂英"])
    expect(phone.locator(f"li[data-person='{overdue.pk}'] .badge.danger")).to_have_text("已逾期")
    phone.screenshot(path=str(tmp_path / "visits-due-phone.png"), full_page=True)

    phone.click(f"li[data-person='{overdue.pk}'] a.who")
    phone.click("#record-visit")
    phone.check("input[name='way'][value='phone']")
    phone.fill("input[name='place']", "电话联系本人")
    phone.check("input[name='condition'][value='attention']")
    phone.fill("textarea[name='note']", "近期失业，情绪低落，已联系社区就业服务。")
    phone.check("input[name='follow_up_needed']")
    phone.screenshot(path=str(tmp_path / "visit-form-phone.png"), full_page=True)
    phone.click("#visit-form button[type=submit]")

    expect(phone.locator("#visits li")).to_have_count(1)
    expect(phone.locator("#visits")).to_contain_text("近期失业")
    expect(phone.locator("#next-visit")).to_have_text(f"{today + timedelta(days=7):%Y-%m-%d}")
    phone.screenshot(path=str(tmp_path / "person-phone.png"), full_page=True)
    visit = CareVisit.objects.get(person=overdue)
    assert (visit.way, visit.condition, visit.follow_up_needed, visit.recorded_by) == (
        CareVisit.Way.PHONE, CareVisit.Condition.ATTENTION, True, care.helper)
    assert CarePerson.objects.get(pk=overdue.pk).last_visited_on == today
    print(tmp_path)
