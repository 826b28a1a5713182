"""Office hours: the working periods of a day (settings.WORKING_PERIODS) and their length.

Which dates are working days is the calendar's business (worktime.py); these are the same on
every working day, so the catalogue's default time limits can count in working days without it.
"""

from datetime import time

from django.conf import settings


def working_periods():
    """Return the day's working periods as (start, end) times, from settings.WORKING_PERIODS."""
    return [
        (time.fromisoformat(start), time.fromisoformat(end))
        for start, end in (period.split("-") for period in settings.WORKING_PERIODS)
    ]


def working_day_minutes():
    """Return the length of a working day in minutes (420 for 08:30–12:00 and 14:00–17:30)."""
    return sum(_minutes(start, end) for start, end in working_periods())


def _minutes(start, end):
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
