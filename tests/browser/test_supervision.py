"""Supervision in headless Chromium: a responsible unit reports progress on a phone, with an
attachment; the office finds the task on its board by its light, drills down and accepts the
consolidated report. Dates are relative to today, so the lights hold on any day."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from supervision import services
from supervision.models import Milestone
from tests.factories import TEST_PASSWORD
from tests.supervision.conftest import programme, task_make  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN"}


def _log_in(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_a_report_from_a_phone_to_the_offices_acceptance(task_make, programme, actors, live_server, browser,  # noqa: F811
                                                       page, tmp_path):
    today = timezone.localdate()
    task_make("1", (today + timedelta(days=60),))
    task_make("2", (today + timedelta(days=1),))  # at risk
    late = task_make("3", (today - timedelta(days=3),)).milestones.get()  # overdue

    phone = browser.new_context(**PHONE).new_page()
    _log_in(phone, live_server, actors.community_staff)
    phone.goto(f"{live_server.url}/supervision/")
    phone.click("tr[data-task='3'] td:nth-child(6) a")
    report = phone.locator("form[data-action='report']")
    report.locator("summary").click()
    report.locator("textarea[name='report-text']").fill("已完成40个网格的摸排，台账见附件。")
    report.locator("input[name='report-figure']").fill("40")
    report.locator("input[name='report-attachment']").set_input_files(
        {"name": "台账.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"})
    report.locator("button[type=submit]").click()
    expect(phone.locator("#reports")).to_contain_text("已完成40个网格的摸排")
    expect(phone.locator("#reports a")).to_have_text("附件")
    phone.screenshot(path=str(tmp_path / "milestone-phone.png"), full_page=True)
    phone.context.close()

    services.milestone_submit(milestone_id=late.pk, actor=actors.department_handler, summary="汇总：完成40个",
                              figure=40)
    _log_in(page, live_server, actors.leader)
    page.goto(f"{live_server.url}/supervision/")
    expect(page.locator("#lights a[data-light]")).to_have_text(["正常推进 1", "存在风险 1", "已逾期 1"])
    page.click("#lights a[data-light='red']")
    expect(page.locator("#tasks tbody tr")).to_have_count(1)
    page.screenshot(path=str(tmp_path / "board-desktop.png"), full_page=True)
    page.click("tr[data-task='3'] td:nth-child(2) a")
    expect(page.locator("#task-light")).to_have_text("已逾期")
    page.click("#milestones a")
    page.click("form[data-action='accept'] button")
    expect(page.locator("#milestone-status")).to_have_text("已验收")
    assert Milestone.objects.get(pk=late.pk).status == Milestone.Status.ACCEPTED
    print(tmp_path)
