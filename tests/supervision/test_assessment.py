"""How a task stands (traffic light, score from timeliness and target) and the units' supervision
term in the existing assessment, with its admin-set weight. The clock is anchored throughout."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine

from dashboards.models import AssessmentScheme
from dashboards.selectors import department_ranking
from govportal.periods import Period
from supervision import services
from supervision.models import Task
from supervision.selectors import Light, task_standing

CST = ZoneInfo("Asia/Shanghai")
NOV_19, NOV_30 = datetime(2026, 11, 19, 10, tzinfo=CST), datetime(2026, 11, 30, 10, tzinfo=CST)


def _accept(milestone, actors, *, figure=None, delivered=False):
    services.milestone_report(milestone_id=milestone.pk, actor=actors.community_staff, text="完成")
    services.milestone_submit(milestone_id=milestone.pk, actor=actors.department_handler, summary="完成",
                              figure=figure, delivered=delivered)
    services.milestone_accept(milestone_id=milestone.pk, actor=actors.leader)


def test_the_light_turns_yellow_near_a_milestone_and_red_once_it_is_missed(task_make, actors):
    task = task_make(due_dates=(date(2026, 11, 27),))
    horizon = date(2026, 11, 27)
    assert task_standing(task, as_of=date(2026, 11, 16), warn_within=date(2026, 11, 23)).light == Light.GREEN
    assert task_standing(task, as_of=date(2026, 11, 20), warn_within=horizon).light == Light.YELLOW
    assert task_standing(task, as_of=date(2026, 11, 27), warn_within=horizon).light == Light.YELLOW  # due today
    assert task_standing(task, as_of=date(2026, 11, 28), warn_within=horizon).light == Light.RED


def test_a_returned_report_is_at_risk_and_an_accepted_one_on_track(task_make, actors):
    milestone = task_make(due_dates=(date(2027, 3, 31),)).milestones.get()
    services.milestone_report(milestone_id=milestone.pk, actor=actors.community_staff, text="完成")
    services.milestone_submit(milestone_id=milestone.pk, actor=actors.department_handler, summary="x", figure=1)
    services.milestone_return(milestone_id=milestone.pk, actor=actors.leader, reason="不实")
    assert task_standing(milestone.task, as_of=date(2026, 12, 1)).light == Light.YELLOW


def test_the_score_weighs_timeliness_and_the_target_reached_at_the_end(task_make, actors):
    task = task_make(due_dates=(date(2026, 11, 20), date(2026, 11, 25)), end_date=date(2026, 11, 25))
    first, second = task.milestones.all()
    with time_machine.travel(NOV_19, tick=False):
        _accept(first, actors, figure=Decimal(30))  # on time
    with time_machine.travel(NOV_30, tick=False):
        _accept(second, actors, figure=Decimal(80))  # late
    before_end = task_standing(task, as_of=date(2026, 11, 24))
    assert (before_end.timeliness, before_end.achievement, before_end.score) == (1.0, None, 100.0)
    after_end = task_standing(task, as_of=date(2026, 12, 1))
    assert (after_end.timeliness, after_end.achievement, after_end.reached) == (0.5, 0.8, 80)
    assert after_end.score == 65.0  # half of 50 % on time, half of 80 % reached


def test_a_deliverable_counts_as_reached_once_delivered(task_make, actors):
    task = task_make(due_dates=(date(2026, 11, 20),), end_date=date(2026, 11, 20), target_kind="deliverable",
                     target_value=None, target_unit="", deliverable="实施方案")
    with time_machine.travel(NOV_19, tick=False):
        _accept(task.milestones.get(), actors, delivered=True)
    assert task_standing(Task.objects.get(pk=task.pk), as_of=date(2026, 12, 1)).score == 100.0


def test_a_units_supervised_tasks_join_the_assessment_with_their_weight(task_make, actors, tree):
    on_time = task_make("1", (date(2026, 11, 20),)).milestones.get()
    task_make("2", (date(2026, 11, 20),))  # missed
    with time_machine.travel(NOV_19, tick=False):
        _accept(on_time, actors, figure=Decimal(10))
    november = Period.month_of(date(2026, 11, 1))
    with time_machine.travel(NOV_30, tick=False):
        without = {row["name"]: row for row in department_ranking(area=tree.city, period=november)}
        scheme = AssessmentScheme(on_time_weight=0, overdue_weight=0, return_weight=0, satisfaction_weight=0,
                                  supervision_weight=100)
        weighted = {row["name"]: row for row in department_ranking(area=tree.city, period=november, scheme=scheme)}
    bureau = actors.department_handler.unit.name
    assert (without[bureau]["supervision_rate"], without[bureau]["score"]) == (None, None)  # weight 0: left out
    assert (weighted[bureau]["supervision_rate"], weighted[bureau]["score"]) == (0.5, 50.0)
