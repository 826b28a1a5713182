"""A volunteer's task on a phone in headless Chromium: sign in with an SMS code, find the task on the map
of open tasks, take it, check in on
the spot (the phone's position), report it done with a photo; the community confirms on its page and
the hours show on the volunteer's phone."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from participation.models import TaskClaim
from tests.factories import TEST_PASSWORD
from tests.incidents.photos import jpeg
from tests.participation.conftest import NEAR, PHONE, enter, post_task, sms  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

AT_THE_PLACE = {
    "viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
    "geolocation": {"latitude": NEAR.y, "longitude": NEAR.x}, "permissions": ["geolocation"], "locale": "zh-CN",
}


def zh(text):
    with translation.override("zh-hans"):
        return str(translation.gettext(text))


def test_a_volunteer_takes_a_task_checks_in_reports_and_the_community_confirms(
        actors, enter, post_task, sms, browser, page, live_server, tmp_path):  # noqa: F811
    enter("李志愿", phone=PHONE)
    task = post_task(title="探访独居老人")
    phone = browser.new_context(**AT_THE_PLACE).new_page()
    phone.set_default_timeout(15_000)

    phone.goto(f"{live_server.url}/participate/")
    phone.fill("#id_phone", PHONE)
    phone.click("#send-code")
    expect(phone.locator("#code-status")).to_contain_text("138****1111")
    phone.fill("#id_code", sms())
    phone.click("#phone-form button:not(#send-code)")
    expect(phone.locator("#task-map .task-pin")).to_have_count(1)  # the open task on the map, and the phone
    expect(phone.locator("#task-map")).to_have_attribute("data-located", "true")
    expect(phone.locator("#task-map .task-pin")).to_have_attribute("title", re.compile("探访独居老人"))
    phone.screenshot(path=str(tmp_path / "tasks-phone.png"), full_page=True)
    phone.click(f"li[data-task='{task.pk}'] button")

    expect(phone.locator("#claim-status")).to_have_text(zh(TaskClaim.Status.TAKEN.label))
    phone.click("#check-in")
    expect(phone.locator("#claim-status")).to_have_text(zh(TaskClaim.Status.CHECKED_IN.label))
    report = phone.locator("form[data-action='report']")
    report.locator("textarea").fill("陪老人聊天，打扫了厨房")
    photo = tmp_path / "done.jpg"
    photo.write_bytes(jpeg().read())
    report.locator("input[type=file]").set_input_files(str(photo))
    report.locator("button[type=submit]").click()
    expect(phone.locator("#claim-status")).to_have_text(zh(TaskClaim.Status.REPORTED.label))
    expect(phone.locator(".photos img")).to_have_count(1)
    phone.screenshot(path=str(tmp_path / "claim-phone.png"), full_page=True)

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", actors.community_staff.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/participation/tasks/{task.pk}/")
    claim = page.locator("li[data-claim]")
    expect(claim).to_contain_text("陪老人聊天，打扫了厨房")
    claim.locator("form[data-action='confirm'] button").click()
    expect(page.locator("li[data-claim] .status")).to_have_text(zh(TaskClaim.Status.CONFIRMED.label))
    page.screenshot(path=str(tmp_path / "task-desktop.png"), full_page=True)

    phone.reload()
    expect(phone.locator("#claim-hours")).to_contain_text("2.5")
    phone.screenshot(path=str(tmp_path / "confirmed-phone.png"), full_page=True)
    phone.context.close()
