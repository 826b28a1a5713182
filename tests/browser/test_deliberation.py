"""A resident's topic on a phone in headless Chromium: sign in with an SMS code, raise a topic with a photo and
support it; the community's meeting votes and publishes the decision (through the services), and the resident
reads it on the topic's page and on the community's public page (公示)."""

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from deliberation import services
from deliberation.models import Topic
from tests.factories import TEST_PASSWORD
from tests.deliberation.conftest import RESIDENT, enter, sms  # noqa: F401  (fixtures)
from tests.incidents.photos import jpeg

pytestmark = [pytest.mark.browser, pytest.mark.dated]  # "today" read from the clock: also on the chosen days

PHONE_SCREEN = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
                "has_touch": True, "locale": "zh-CN"}


def zh(text):
    with translation.override("zh-hans"):
        return str(translation.gettext(text))


def test_a_resident_raises_a_topic_and_reads_the_published_decision(
        actors, tree, enter, sms, browser, page, live_server, tmp_path):  # noqa: F811
    phone = browser.new_context(**PHONE_SCREEN).new_page()
    phone.set_default_timeout(15_000)
    community_page = f"{live_server.url}/deliberate/{tree.west_community.code}/"

    phone.goto(community_page)
    phone.click("#raise-link")
    phone.fill("#id_phone", RESIDENT)
    phone.click("#send-code")
    expect(phone.locator("#code-status")).to_contain_text("138****2222")
    phone.fill("#id_code", sms())
    phone.click("#phone-form button:not(#send-code)")
    phone.wait_for_url(f"{community_page}raise/")
    phone.fill("#id_title", "小区东门增设电动车充电桩")
    phone.fill("#id_description", "楼道飞线充电隐患大，建议在东门空地集中充电。")
    photo = tmp_path / "scene.jpg"
    photo.write_bytes(jpeg().read())
    phone.set_input_files("#id_photos", str(photo))
    phone.click("#topic-form button[type=submit]")
    expect(phone.locator("#topic-status")).to_have_text(zh(Topic.Status.RAISED.label))
    expect(phone.locator(".photos img")).to_have_count(1)
    phone.click("#support")
    expect(phone.locator("#support-count")).to_contain_text("1")
    phone.screenshot(path=str(tmp_path / "topic-raised-phone.png"), full_page=True)

    topic = Topic.objects.get()
    staff = actors.community_staff
    meeting = services.meeting_call(actor=staff, community=tree.west_community, title="第四季度居民议事会",
                                    held_at=timezone.now(), place="党群服务中心")
    services.attendance_record(meeting_id=meeting.pk, actor=staff, participants=[enter(f"代表{n}") for n in range(5)])
    services.topic_select(topic_id=topic.pk, actor=staff, meeting=meeting)
    services.topic_decide(topic_id=topic.pk, actor=staff, votes_for=4, votes_against=0, votes_abstain=1,
                          decision="同意在东门空地增设充电桩，由街道协调建设。")
    services.topic_publish(topic_id=topic.pk, actor=staff)

    phone.reload()
    expect(phone.locator("#topic-status")).to_have_text(zh(Topic.Status.PUBLISHED.label))
    expect(phone.locator("#topic-result")).to_have_text(zh(Topic.Result.ADOPTED.label))
    expect(phone.locator(".decision-text")).to_contain_text("由街道协调建设")
    phone.screenshot(path=str(tmp_path / "topic-decided-phone.png"), full_page=True)
    phone.goto(community_page)
    expect(phone.locator(f".decisions li[data-topic='{topic.pk}'] .decision-text")).to_contain_text("由街道协调建设")
    phone.screenshot(path=str(tmp_path / "community-phone.png"), full_page=True)
    phone.context.close()

    page.goto(f"{live_server.url}/login/")  # the staff's side, on a desktop
    page.fill("#id_username", staff.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/deliberation/topics/{topic.pk}/")
    expect(page.locator("form[data-action='order_work']")).to_have_count(1)
    expect(page.locator("#topic-timeline li")).to_have_count(4)
    page.goto(f"{live_server.url}/deliberation/meetings/{meeting.pk}/")
    expect(page.locator(".attendances li")).to_have_count(5)
