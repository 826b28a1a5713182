"""Importing a programme from the office's Excel sheet: all of it, or nothing with every error listed."""

from datetime import date
from io import BytesIO

import pytest
from django.core.management import CommandError, call_command

from supervision.imports import ImportRefused, programme_import
from supervision.models import Milestone, MilestoneEvent, Programme, Task

from .conftest import sheet

URBAN, COMMITTEE = "测试区城管局", "西社区居委会"
GOOD_ROWS = [
    ("1", "打造智慧网格", URBAN, f"{COMMITTEE}、{URBAN}", 120, "个", None,
     "2027-03-31 完成摸排\n2027-06-30 建成60个", date(2027, 12, 31)),
    ("1.1", "网格划分", URBAN, COMMITTEE, None, None, "网格划分方案", "2027-02-28 方案印发", "2027-03-31"),
    ("1.1.1", "绘制网格图", COMMITTEE, None, None, None, "网格图", None, "2027-03-15"),
    ("2", "矛盾纠纷多元化解", URBAN, COMMITTEE, 95, "%", None, None, date(2027, 12, 31)),
]


def _import(actors, rows):
    return programme_import(source=sheet(rows), office=actors.leader.unit, name="2027年试点任务", year=2027)


def test_a_good_sheet_makes_the_task_tree_with_units_targets_and_milestones(actors):
    programme = _import(actors, GOOD_ROWS)
    tasks = {task.number: task for task in programme.tasks.all()}
    assert [(t.number, t.depth, t.parent and t.parent.number) for t in programme.tasks.order_by("path")] == [
        ("1", 0, None), ("1.1", 1, "1"), ("1.1.1", 2, "1.1"), ("2", 0, None)]
    assert set(tasks["1"].responsible_units.values_list("name", flat=True)) == {COMMITTEE, URBAN}
    assert tasks["1"].target_text == "120 个" and tasks["1.1"].target_text == "网格划分方案"
    assert tasks["1.1"].end_date == date(2027, 3, 31)
    assert list(tasks["1"].milestones.values_list("due_date", "title")) == [
        (date(2027, 3, 31), "完成摸排"), (date(2027, 6, 30), "建成60个")]
    assert tasks["2"].milestones.get().due_date == date(2027, 12, 31)  # none given: one at the end date
    assert MilestoneEvent.objects.filter(action="create").count() == Milestone.objects.count() == 5
    subtree = Task.objects.filter(programme=programme, path__startswith="1/")
    assert sorted(subtree.values_list("number", flat=True)) == ["1.1", "1.1.1"]


def test_a_sheet_with_a_bad_row_is_refused_whole_and_nothing_is_stored(actors):
    bad = ("3", "平安建设", "不存在的局", COMMITTEE, "很多", "个", None, "2028-01-01 完成", "2027-12-31")
    with pytest.raises(ImportRefused) as refused:
        _import(actors, [*GOOD_ROWS, bad])
    assert [(e.row, e.field) for e in refused.value.errors] == [
        (6, "牵头单位"), (6, "目标值"), (6, "节点")]
    assert "不存在的局" in refused.value.errors[0].message
    assert not Programme.objects.exists() and not Task.objects.exists() and not Milestone.objects.exists()


def test_the_tree_is_checked_across_rows(actors):
    rows = [GOOD_ROWS[0], GOOD_ROWS[0], ("4.1", "孤儿任务", URBAN, None, 1, "个", None, None, "2027-12-31")]
    with pytest.raises(ImportRefused) as refused:
        _import(actors, rows)
    assert [(e.row, e.field) for e in refused.value.errors] == [(3, "序号"), (4, "序号")]


def test_a_missing_column_or_a_file_that_is_no_sheet_is_refused(actors):
    with pytest.raises(ImportRefused) as refused:
        programme_import(source=sheet([], headings=("number", "title")), office=actors.leader.unit, name="x",
                         year=2027)
    assert {e.field for e in refused.value.errors} == {"牵头单位", "完成时限"}
    with pytest.raises(ImportRefused):
        programme_import(source=BytesIO(b"not a sheet"), office=actors.leader.unit, name="x", year=2027)


def test_the_command_imports_or_lists_the_errors(actors, tmp_path):
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(sheet(GOOD_ROWS).getvalue())
    bad.write_bytes(sheet([("1", "", URBAN, None, 1, "个", None, None, "2027-12-31")]).getvalue())
    office = actors.leader.unit.code
    with pytest.raises(CommandError, match="第2行，任务：此项为必填项"):
        call_command("import_programme", str(bad), office=office, name="坏表", year=2027)
    call_command("import_programme", str(good), office=office, name="好表", year=2027)
    assert Programme.objects.get().tasks.count() == 4
