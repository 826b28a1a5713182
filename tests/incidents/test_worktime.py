from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from incidents.models import WorkingDay
from incidents.worktime import add_working_minutes, deadline, working_day_minutes, working_minutes_between

pytestmark = pytest.mark.dated

CST = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=CST)


def test_a_working_day_is_seven_hours():
    assert working_day_minutes() == 420


def test_deadline_within_the_same_afternoon_stops_at_closing_time(catalogue):
    assert add_working_minutes(at(2026, 11, 23, 15, 30), 120) == at(2026, 11, 23, 17, 30)


def test_lunch_break_does_not_count(catalogue):
    assert add_working_minutes(at(2026, 11, 23, 11, 0), 120) == at(2026, 11, 23, 15, 0)


def test_deadline_skips_the_national_day_holiday(catalogue):
    # Wednesday 30 September 16:30 + 2 working hours: 1 h that day, then 1–7 October are holidays.
    assert add_working_minutes(at(2026, 9, 30, 16, 30), 120) == at(2026, 10, 8, 9, 30)


def test_make_up_saturday_counts_and_sunday_does_not(catalogue):
    # Friday 9 October 10:00 + 3 working days (1,260 min): Fri 330 + Sat 10 Oct (调休) 420 + Mon 420,
    # leaving 90 minutes on Tuesday 13 October.
    assert add_working_minutes(at(2026, 10, 9, 10, 0), 3 * 420) == at(2026, 10, 13, 10, 0)


def test_an_admin_can_declare_a_holiday_the_package_does_not_know(catalogue):
    friday = at(2027, 1, 1, 8, 30)
    assert add_working_minutes(friday, 60) == at(2027, 1, 1, 9, 30)  # 2027: not in the package
    WorkingDay.objects.create(date=friday.date(), is_working_day=False, note="元旦")
    assert add_working_minutes(friday, 60) == at(2027, 1, 4, 9, 30)


def test_start_outside_working_hours_waits_for_the_next_period(catalogue):
    assert add_working_minutes(at(2026, 11, 21, 22, 0), 30) == at(2026, 11, 23, 9, 0)  # Saturday night


def test_working_minutes_between_inverts_add(catalogue):
    start = at(2026, 9, 30, 16, 30)
    assert working_minutes_between(start, add_working_minutes(start, 1000)) == 1000
    assert working_minutes_between(start, start) == 0


def test_urgent_matters_count_clock_hours(catalogue):
    assert deadline(at(2026, 10, 1, 23, 0), 120, clock_time=True) == at(2026, 10, 2, 1, 0)


@pytest.mark.parametrize("minutes", [1, 419, 420, 421, 5000])
def test_round_trip_for_any_length(catalogue, minutes):
    start = at(2026, 10, 9, 11, 59)
    assert working_minutes_between(start, add_working_minutes(start, minutes)) == minutes
