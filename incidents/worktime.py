"""Deadlines in Chinese working time: working periods of a day, holidays and 调休 make-up days.

A date is a working day when the WorkingDay table says so; dates it does not list follow the
Monday–Friday rule. The table is filled from the chinese-calendar package (`calendar_sync`)
and edited by admins for years the package does not know yet.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from .models import WorkingDay
from .office_hours import working_day_minutes, working_periods


class WorkingCalendar:
    """Working-day lookups over a date range, with the table's exceptions loaded once."""

    def __init__(self, first, last):
        self.first, self.last = first, last
        self.exceptions = dict(
            WorkingDay.objects.filter(date__range=(first, last)).values_list("date", "is_working_day")
        )

    def covers(self, first, last):
        """Return whether the loaded range includes the dates `first` to `last`."""
        return self.first <= first and last <= self.last

    def is_working_day(self, day):
        return self.exceptions.get(day, day.weekday() < 5)


def _horizon(day, minutes):
    """Return the last date a search for `minutes` of working time from `day` may look at."""
    return day + timedelta(days=max(30, 3 * minutes // max(working_day_minutes(), 1) + 30))


def add_working_minutes(start, minutes, *, calendar=None):
    """Return the instant `minutes` of working time after `start` (aware; answered in local time).

    A deadline that falls exactly at the end of a period stays there rather than moving to the
    next period's start, so "2 working hours from 15:30" is 17:30 the same day. A `calendar`
    covering the search is used instead of loading one (deadlines() shares one among many).
    """
    tz = timezone.get_current_timezone()
    moment = timezone.localtime(start, tz)
    periods = working_periods()
    horizon = _horizon(moment.date(), minutes)
    if calendar is None or not calendar.covers(moment.date(), horizon):
        calendar = WorkingCalendar(moment.date(), horizon)
    remaining = minutes
    day = moment.date()
    while day <= horizon:
        if calendar.is_working_day(day):
            for period_start, period_end in periods:
                begin = max(moment, datetime.combine(day, period_start, tz))
                end = datetime.combine(day, period_end, tz)
                if begin >= end:
                    continue
                available = (end - begin).total_seconds() / 60
                if remaining <= available:
                    return begin + timedelta(minutes=remaining)
                remaining -= available
        day += timedelta(days=1)
    raise ValueError(f"no working time within {horizon}: is the calendar full of holidays?")


def working_minutes_between(start, end):
    """Return the working minutes between two instants (0 when `end` is not after `start`)."""
    tz = timezone.get_current_timezone()
    start, end = timezone.localtime(start, tz), timezone.localtime(end, tz)
    if end <= start:
        return 0
    calendar = WorkingCalendar(start.date(), end.date())
    total, day = 0.0, start.date()
    while day <= end.date():
        if calendar.is_working_day(day):
            for period_start, period_end in working_periods():
                begin = max(start, datetime.combine(day, period_start, tz))
                finish = min(end, datetime.combine(day, period_end, tz))
                if finish > begin:
                    total += (finish - begin).total_seconds() / 60
        day += timedelta(days=1)
    return round(total)


def deadline(start, minutes, *, clock_time):
    """Return the deadline `minutes` after `start`, in clock or working time."""
    if clock_time:
        return start + timedelta(minutes=minutes)
    return add_working_minutes(start, minutes)


def deadlines(starts, minutes, *, clock_time):
    """Return deadline(start, minutes) for each of `starts`, the working calendar loaded once for all."""
    if clock_time or not starts:
        return [deadline(start, minutes, clock_time=clock_time) for start in starts]
    days = [timezone.localtime(start).date() for start in starts]
    calendar = WorkingCalendar(min(days), _horizon(max(days), minutes))
    return [add_working_minutes(start, minutes, calendar=calendar) for start in starts]


def minutes_left(now, due, *, clock_time):
    """Return the minutes from `now` to `due` in the same reckoning (0 once it has passed)."""
    if clock_time:
        return max(0, round((due - now).total_seconds() / 60))
    return working_minutes_between(now, due)


def calendar_sync_from_package(working_day_model=WorkingDay):
    """Copy the chinese-calendar package's holidays and make-up days into WorkingDay.

    Only dates that break the Monday–Friday rule are stored; rows an admin edited are kept.
    Returns the number of rows written. `working_day_model` lets a migration pass its own.
    """
    from chinese_calendar.constants import holidays, workdays

    exceptions = {day: (False, name) for day, name in holidays.items() if day.weekday() < 5}
    exceptions |= {day: (True, f"{name} 调休") for day, name in workdays.items() if day.weekday() >= 5}
    admin_dates = set(
        working_day_model.objects.filter(source=WorkingDay.Source.ADMIN).values_list("date", flat=True)
    )
    rows = [
        working_day_model(date=day, is_working_day=working, note=name[:50], source=WorkingDay.Source.PACKAGE)
        for day, (working, name) in exceptions.items()
        if day not in admin_dates
    ]
    working_day_model.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["date"], update_fields=["is_working_day", "note", "source"],
        batch_size=1000,
    )
    return len(rows)
