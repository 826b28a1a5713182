"""A programme on the test tree: the west street office supervises it (its leader decides), the
district's urban-management bureau leads its tasks and the west community committee shares them.

    actors.leader              the supervision office (west street office)
    actors.department_handler  the lead unit (测试区城管局)
    actors.community_staff     a responsible unit (西社区居委会)
    actors.outsider            the east street office: sees nothing of it
"""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook

from supervision.imports import HEADINGS
from supervision.models import Milestone, MilestoneEvent, Programme, Task

SHEET_COLUMNS = ("number", "title", "lead_unit", "responsible_units", "target_value", "target_unit", "deliverable",
                 "milestones", "end_date")


@pytest.fixture
def programme(actors):
    return Programme.objects.create(name="2027年试点任务", year=2027, office=actors.leader.unit)


@pytest.fixture
def task_make(programme, actors):
    """Make a task with one milestone per due date (default: a number target of 100 个)."""
    def make(number="1", due_dates=(date(2027, 3, 31),), *, end_date=date(2027, 6, 30), **fields):
        fields = {"title": f"任务{number}", "lead_unit": actors.department_handler.unit,
                  "target_kind": Task.TargetKind.NUMBER, "target_value": Decimal(100), "target_unit": "个", **fields}
        task = Task.objects.create(programme=programme, number=number, end_date=end_date, **fields)
        task.responsible_units.set([actors.community_staff.unit, actors.department_handler.unit])
        for due in due_dates:
            milestone = Milestone.objects.create(task=task, title=f"节点{due:%m%d}", due_date=due)
            MilestoneEvent.objects.create(milestone=milestone, action="create", to_status=milestone.status)
        return task

    return make


@pytest.fixture
def milestone(task_make):
    return task_make().milestones.get()


def sheet(rows, *, headings=SHEET_COLUMNS):
    """Return an .xlsx file (BytesIO) with the office's headings and `rows` (tuples in SHEET_COLUMNS order)."""
    book = Workbook()
    book.active.append([HEADINGS[key] for key in headings])
    for row in rows:
        book.active.append(list(row))
    output = BytesIO()
    book.save(output)
    output.seek(0)
    return output
