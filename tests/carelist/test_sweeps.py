"""The overdue-visit sweep warns each helper once per overdue period: not again on the next run, not
twice when two sweeps run at once, again only once a visit has set a new due date that passes too."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from carelist.models import CareEvent, CareVisit, OverdueWarning
from carelist.services import care_person_close, care_visit_record
from carelist.sweeps import overdue_visits_warn
from carelist.tasks import warn_overdue_visits
from tests.concurrency import run_at_once

from .conftest import REGISTERED

DUE = date(2026, 3, 9)  # REGISTERED + 7 days (community correction, level 1)


def at(day, hour=9):
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo("Asia/Shanghai"))


def warnings():
    return sorted(OverdueWarning.objects.values_list("helper__username", "due_on"))


def test_each_helper_is_warned_once_per_overdue_period(person, person_make, care, actors):
    person_make("陈桂英", levels=(("lonely_elderly", 3),))  # due 1 April: not yet
    assert person.next_visit_due == DUE
    assert overdue_visits_warn(now=at(DUE)) == 0  # due today is not overdue
    assert overdue_visits_warn(now=at(date(2026, 3, 10))) == 1
    assert warnings() == sorted([(care.helper.username, DUE), (actors.community_staff.username, DUE)])
    assert overdue_visits_warn(now=at(date(2026, 3, 11))) == 0  # the same period: no second warning
    assert CareEvent.objects.filter(person=person, action="warn_overdue").values_list("reason", flat=True).get() \
        == DUE.isoformat()

    with time_machine.travel(at(date(2026, 3, 12)), tick=False):
        care_visit_record(person_id=person.pk, actor=care.helper, visited_on=date(2026, 3, 12), place="家中",
                          way=CareVisit.Way.HOME, condition=CareVisit.Condition.STABLE)
    assert overdue_visits_warn(now=at(date(2026, 3, 19))) == 0  # due 19 March
    assert overdue_visits_warn(now=at(date(2026, 3, 20))) == 1  # a new period
    assert OverdueWarning.objects.filter(due_on=date(2026, 3, 19)).count() == 2


def test_the_warned_helper_sees_it_in_the_menu_until_the_visit(person, care, client):
    client.force_login(care.helper)
    overdue_visits_warn(now=at(date(2026, 3, 10)))
    with time_machine.travel(at(date(2026, 3, 10)), tick=False):
        page = client.get("/carelist/").content.decode()
        assert 'id="overdue-visits">1<' in page and "已提醒" in page
        care_visit_record(person_id=person.pk, actor=care.helper, visited_on=date(2026, 3, 10), place="家中",
                          way=CareVisit.Way.HOME, condition=CareVisit.Condition.STABLE)
        assert 'id="overdue-visits"' not in client.get("/carelist/").content.decode()


def test_a_closed_file_is_not_warned(person, care):
    care_person_close(person_id=person.pk, actor=care.community_leader, reason="迁出")
    assert overdue_visits_warn(now=at(date(2026, 5, 1))) == 0
    assert not OverdueWarning.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_warn_once(person_make):
    person = person_make()
    results = run_at_once(lambda: overdue_visits_warn(now=at(date(2026, 3, 10))))
    assert sorted(results) == [0, 1]
    assert OverdueWarning.objects.filter(person=person).count() == 2  # one per helper
    assert CareEvent.objects.filter(person=person, action="warn_overdue").count() == 1


def test_the_beat_task_runs_the_sweep(person):
    assert REGISTERED < DUE
    with time_machine.travel(at(date(2026, 3, 10)), tick=False):
        assert warn_overdue_visits() == 1
        assert warn_overdue_visits() == 0
