"""The office's board, a task and a milestone page, the import page and the Excel export.

The clock is anchored (time_machine) where the traffic lights depend on today's date.
"""

from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from pypdf import PdfReader

from supervision.models import Milestone, Programme
from supervision.sweeps import milestone_deadlines_sweep
from tests.pages import page

from .conftest import sheet
from .test_imports import GOOD_ROWS

CST = ZoneInfo("Asia/Shanghai")
TODAY = datetime(2026, 11, 23, 10, tzinfo=CST)  # a Monday


@pytest.fixture
def lit(task_make, actors):
    """Three tasks, one per light on TODAY: on track, at risk (due within 5 working days), overdue."""
    green = task_make("1", (date(2027, 3, 31),))
    yellow = task_make("2", (date(2026, 11, 27),), lead_unit=actors.community_staff.unit)
    red = task_make("3", (date(2026, 11, 20),))
    return green, yellow, red


@pytest.fixture
def clock():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_the_board_shows_each_tasks_light_and_filters_by_light_and_unit(client, actors, lit, clock, programme):
    client.force_login(actors.leader)
    board = page(client.get(f"/supervision/programmes/{programme.pk}/"))
    lights = {row.attrs["data-task"]: row.one("span.light").attrs["class"] for row in board.select("#tasks tbody tr")}
    assert lights == {"1": "light green", "2": "light yellow", "3": "light red"}
    assert [a.attrs["data-light"] for a in board.select("#lights a[data-light]")] == ["green", "yellow", "red"]
    only_red = page(client.get(f"/supervision/programmes/{programme.pk}/", {"light": "red"}))
    assert [row.attrs["data-task"] for row in only_red.select("#tasks tbody tr")] == ["3"]
    of_committee = page(client.get(f"/supervision/programmes/{programme.pk}/",
                                   {"unit": actors.community_staff.unit_id}))
    assert len(of_committee.select("#tasks tbody tr")) == 3  # a responsible unit of every task
    units = {row.attrs["data-unit"] for row in board.select("#units tbody tr")}
    assert units == {actors.department_handler.unit.name, actors.community_staff.unit.name}
    assert client.get("/supervision/").url == f"/supervision/programmes/{programme.pk}/"


def test_an_outsider_sees_no_programme_task_or_milestone(client, actors, lit, programme):
    client.force_login(actors.outsider)
    milestone = lit[0].milestones.get()
    assert client.get(f"/supervision/programmes/{programme.pk}/").status_code == 404
    assert client.get(f"/supervision/tasks/{lit[0].pk}/").status_code == 404
    assert client.get(f"/supervision/milestones/{milestone.pk}/").status_code == 404
    assert client.post(f"/supervision/milestones/{milestone.pk}/act/report/", {"report-text": "x"}).status_code == 404


def test_a_report_goes_from_the_unit_through_the_lead_unit_to_the_office(client, actors, lit):
    milestone = lit[0].milestones.get()
    url = f"/supervision/milestones/{milestone.pk}/"
    client.force_login(actors.community_staff)
    assert [f.attrs["data-action"] for f in page(client.get(url)).select("form[data-action]")] == ["report"]
    client.post(f"{url}act/report/", {"report-text": "完成摸排40个", "report-figure": "40"})
    client.force_login(actors.department_handler)
    client.post(f"{url}act/submit/", {"submit-summary": "合计40个", "submit-figure": "40"})
    client.force_login(actors.leader)
    assert [f.attrs["data-action"] for f in page(client.get(url)).select("form[data-action]")] == [
        "accept", "return"]
    client.post(f"{url}act/return/", {"return-reason": ""})  # a return needs its reason: refused
    assert Milestone.objects.get(pk=milestone.pk).status == Milestone.Status.SUBMITTED
    client.post(f"{url}act/return/", {"return-reason": "缺少台账"})
    shown = page(client.get(url))
    assert shown.one("#milestone-status").text == "已退回"
    assert "缺少台账" in shown.one("#milestone-timeline").text
    assert shown.texts("#reports li strong") == [actors.community_staff.unit.name]


def test_the_import_page_lists_every_error_by_row_and_stores_nothing(client, actors):
    client.force_login(actors.leader)
    bad = [*GOOD_ROWS, ("9", "", "测试区城管局", None, 1, "个", None, None, "2027-12-31")]
    answer = client.post("/supervision/import/", {"name": "试点", "year": 2027, "sheet": _upload(bad)})
    assert answer.status_code == 400
    assert page(answer, 400).texts("#import-errors tbody tr") == ["6 任务 此项为必填项。"]
    assert not Programme.objects.exists()
    done = client.post("/supervision/import/", {"name": "试点", "year": 2027, "sheet": _upload(GOOD_ROWS)})
    assert done.url == f"/supervision/programmes/{Programme.objects.get().pk}/"
    client.force_login(actors.community_staff)
    assert client.get("/supervision/import/").status_code == 403


def test_the_export_lists_every_task_with_its_light(client, actors, lit, clock, programme):
    client.force_login(actors.leader)
    answer = client.get(f"/supervision/programmes/{programme.pk}/status.xlsx")
    rows = list(load_workbook(BytesIO(answer.content)).active.iter_rows(min_row=3, values_only=True))
    assert [(row[0], row[10]) for row in rows] == [("1", "正常推进"), ("2", "存在风险"), ("3", "已逾期")]


def _upload(rows):
    return SimpleUploadedFile("programme.xlsx", sheet(rows).getvalue())


def test_the_bulletin_is_one_page_naming_the_missed_milestone_and_its_order(client, actors, lit, clock, programme):
    milestone_deadlines_sweep(now=TODAY)
    client.force_login(actors.leader)
    answer = client.get(f"/supervision/programmes/{programme.pk}/bulletin.pdf", {"month": "2026-11"})
    pages = PdfReader(BytesIO(answer.content)).pages
    text = pages[0].extract_text()
    assert len(pages) == 1 and "督办通报" in text and "DB202611230001" in text
    assert client.get(f"/supervision/programmes/{programme.pk}/bulletin.pdf", {"month": "11/2026"}).status_code == 400


def test_the_lead_unit_reads_its_reminders_and_the_milestone_names_its_supervision_order(client, actors, lit, clock):
    milestone_deadlines_sweep(now=TODAY)
    client.force_login(actors.department_handler)
    notices = page(client.get("/supervision/", follow=True)).texts("#notices li")
    assert len(notices) == 1 and "逾期预警" in notices[0] and "节点1120" in notices[0]  # task 3's, missed
    client.force_login(actors.community_staff)
    assert "5 个工作日前" in page(client.get("/supervision/", follow=True)).one("#notices").text  # task 2's
    missed = lit[2].milestones.get()
    shown = page(client.get(f"/supervision/milestones/{missed.pk}/"))
    assert shown.one("#supervision-order").text.startswith("DB202611230001")
    assert "督办单 DB202611230001" in shown.one("#milestone-timeline").text
