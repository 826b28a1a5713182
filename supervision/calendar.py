"""Milestone dates in working days (the same working calendar as work orders: incidents.worktime)."""

from datetime import timedelta

from incidents.worktime import WorkingCalendar


def working_days_after(day, count):
    """Return the date `count` working days after `day` (`day` itself for 0)."""
    calendar = WorkingCalendar(day, day + timedelta(days=3 * count + 30))
    while count > 0:
        day += timedelta(days=1)
        count -= calendar.is_working_day(day)
    return day


def working_days_between(start, end):
    """Return the working days after `start` up to and including `end` (0 when `end` is not after `start`)."""
    if end <= start:
        return 0
    calendar = WorkingCalendar(start, end)
    return sum(calendar.is_working_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1))
