"""The deadline sweep: reminders 5 and 1 working days before a milestone, then the warning and one
supervision order (督办单) once it is missed — each exactly once, even with two sweepers at once.

Every instant is given to the sweep (`now`), so the outcome does not depend on today's date.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from supervision import services
from supervision.calendar import working_days_after, working_days_between
from supervision.models import Milestone, MilestoneEvent, Notice, SupervisionOrder
from supervision.sweeps import milestone_deadlines_sweep
from tests.concurrency import run_at_once

CST = ZoneInfo("Asia/Shanghai")
DUE = date(2026, 11, 27)  # a Friday; no holiday in the weeks around it


def at(day, hour=9):
    return datetime(day.year, day.month, day.day, hour, tzinfo=CST)


def test_working_days_skip_weekends_and_holidays(catalogue):
    assert working_days_after(date(2026, 11, 20), 5) == DUE
    assert working_days_after(date(2026, 9, 30), 1) == date(2026, 10, 8)  # National Day holidays (1–7 October)
    assert working_days_between(date(2026, 11, 20), DUE) == 5


def test_reminders_then_the_miss_each_once(catalogue, task_make, actors):
    milestone = task_make(due_dates=(DUE,)).milestones.get()
    assert milestone_deadlines_sweep(now=at(date(2026, 11, 19))) == {"reminded": 0, "missed": 0}
    assert milestone_deadlines_sweep(now=at(date(2026, 11, 20))) == {"reminded": 1, "missed": 0}
    assert milestone_deadlines_sweep(now=at(date(2026, 11, 20), 15)) == {"reminded": 0, "missed": 0}
    assert milestone_deadlines_sweep(now=at(date(2026, 11, 26))) == {"reminded": 1, "missed": 0}
    assert milestone_deadlines_sweep(now=at(DUE, 17)) == {"reminded": 0, "missed": 0}  # due today: not missed
    assert milestone_deadlines_sweep(now=at(date(2026, 11, 28))) == {"reminded": 0, "missed": 1}
    assert milestone_deadlines_sweep(now=at(date(2026, 11, 30))) == {"reminded": 0, "missed": 0}
    assert list(Notice.objects.order_by("created_at").values_list("kind", "working_days_before", "unit")) == [
        ("reminder", 5, actors.department_handler.unit_id), ("reminder", 1, actors.department_handler.unit_id),
        ("overdue", 0, actors.department_handler.unit_id)]
    order = SupervisionOrder.objects.get()
    assert order.number == "DB202611280001"
    assert (order.unit, order.copied_to) == (actors.department_handler.unit, actors.department_handler.unit.superior)
    events = milestone.events.exclude(action="create")
    assert list(events.values_list("action", "actor", "from_status", "to_status")) == [
        ("remind", None, "open", "open"), ("remind", None, "open", "open"), ("overdue", None, "open", "open")]
    assert events.last().reason == order.number


def test_done_milestones_are_neither_reminded_nor_missed(catalogue, task_make, actors):
    milestone = task_make(due_dates=(DUE,)).milestones.get()
    services.milestone_report(milestone_id=milestone.pk, actor=actors.community_staff, text="完成")
    services.milestone_submit(milestone_id=milestone.pk, actor=actors.department_handler, summary="完成", figure=100)
    assert milestone_deadlines_sweep(now=at(date(2026, 11, 26))) == {"reminded": 0, "missed": 0}
    assert milestone_deadlines_sweep(now=at(date(2026, 11, 30))) == {"reminded": 0, "missed": 0}


def test_the_reminders_are_the_programmes_own(catalogue, task_make, programme):
    programme.reminder_working_days = [3]
    programme.save()
    task_make(due_dates=(DUE,))
    assert milestone_deadlines_sweep(now=at(date(2026, 11, 20)))["reminded"] == 0  # 5 days before: not asked for
    assert milestone_deadlines_sweep(now=at(date(2026, 11, 24)))["reminded"] == 1
    assert Notice.objects.get().working_days_before == 3


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweepers_send_each_reminder_and_order_exactly_once(tree, actors, catalogue, task_make):
    for number in range(1, 41):
        task_make(number=str(number), due_dates=(DUE, date(2026, 11, 20)))
    before = run_at_once(lambda: milestone_deadlines_sweep(now=at(date(2026, 11, 23)), batch_size=7))
    assert sum(r["reminded"] for r in before) == 40 and sum(r["missed"] for r in before) == 40
    assert Notice.objects.filter(kind="reminder").count() == 40
    assert SupervisionOrder.objects.count() == Notice.objects.filter(kind="overdue").count() == 40
    assert MilestoneEvent.objects.filter(action="remind").count() == 40
    assert MilestoneEvent.objects.filter(action="overdue").count() == 40
    assert Milestone.objects.filter(overdue_at__isnull=False).count() == 40
    again = run_at_once(lambda: milestone_deadlines_sweep(now=at(date(2026, 11, 23), 15)))
    assert again == [{"reminded": 0, "missed": 0}] * 2
