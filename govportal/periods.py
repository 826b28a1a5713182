"""Periods of local days, parsed here once for every page and API: the end day is included, at most 366 days,
within the years of govportal.dates.

Pages use PeriodForm or MonthForm, the API PeriodInput or MonthInput (the Required… variants have no
default); each gives data["period"], a Period, and the same messages, so a bad period is the same 400
everywhere. Selectors take the Period and filter timestamps with Period.bounds().
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .dates import YEAR_OUT_OF_RANGE, in_years
from .errors import DomainInputError

# A leap year, or a year to the same date, fits in one period.
MAX_PERIOD_DAYS = 366
END_BEFORE_START = _("The end lies before the start.")
PERIOD_TOO_LONG = format_lazy(_("A period lasts at most {days} days."), days=MAX_PERIOD_DAYS)
BAD_MONTH = _("Give the month as YYYY-MM.")
BAD_DATE = _("Give the date as YYYY-MM-DD.")
MONTH = re.compile(r"([1-9]\d{3})-(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class Period:
    """Local days from `start` to `end`, both included."""

    start: date
    end: date

    @classmethod
    def checked(cls, start, end):
        """Return the period from `start` to `end`; DomainInputError when out of the years, reversed or too long."""
        for field, day in (("start", start), ("end", end)):
            if not in_years(day.year):
                raise DomainInputError(YEAR_OUT_OF_RANGE, field)
        if end < start:
            raise DomainInputError(END_BEFORE_START, "end")
        if (end - start).days >= MAX_PERIOD_DAYS:
            raise DomainInputError(PERIOD_TOO_LONG, "start")
        return cls(start, end)

    @classmethod
    def month_of(cls, day):
        """Return the calendar month of the date `day`."""
        return cls(day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1]))

    @classmethod
    def month_to_date(cls, day):
        """Return the days of `day`'s month up to `day`."""
        return cls(day.replace(day=1), day)

    @classmethod
    def from_month(cls, text):
        """Return the calendar month written YYYY-MM; DomainInputError otherwise, or when out of the years."""
        match = MONTH.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise DomainInputError(BAD_MONTH, "month")
        if not in_years(int(match[1])):
            raise DomainInputError(YEAR_OUT_OF_RANGE, "month")
        return cls.month_of(date(int(match[1]), int(match[2]), 1))

    @property
    def days(self):
        """Return the number of days."""
        return (self.end - self.start).days + 1

    def bounds(self):
        """Return the aware instants [start 00:00, the day after end 00:00) in the current time zone.

        Filter timestamps `__gte` / `__lt` on these: an index serves and the end day counts whole. Days
        are local (TIME_ZONE): 00:30 Beijing time belongs to its own day, not to the UTC day before.
        """
        tz = timezone.get_current_timezone()
        return datetime.combine(self.start, time.min, tz), datetime.combine(self.end + timedelta(days=1), time.min, tz)


def period_asked(start=None, end=None):
    """Return the checked period from `start` to `end`; a bound not given is this month's first day or today."""
    today = timezone.localdate()
    return Period.checked(start or today.replace(day=1), end or today)


def month_asked(month=None):
    """Return the month `month` (a Period), or the current month when none is given."""
    return month or Period.month_of(timezone.localdate())


# --- pages ------------------------------------------------------------------------------------


class MonthField(forms.CharField):
    """A month written YYYY-MM, as <input type="month"> sends it; cleaned to its Period."""

    widget = forms.TextInput(attrs={"type": "month"})

    def prepare_value(self, value):
        return f"{value.start:%Y-%m}" if isinstance(value, Period) else value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return Period.from_month(value)
        except DomainInputError as error:
            raise forms.ValidationError(error.args[0], code="invalid") from None


def _date_field(label):
    return forms.DateField(label=label, required=False, error_messages={"invalid": BAD_DATE},
                           widget=forms.DateInput(attrs={"type": "date"}))


class _PeriodPageForm(forms.Form):
    """A page's period: cleaned_data["period"]; the inputs show the default until the user asks another."""

    def __init__(self, data=None, **kwargs):
        kwargs.setdefault("initial", self.initial_for(self.default()))
        super().__init__(data, **kwargs)

    def period(self):
        """Return the period asked, or the default one while unbound or invalid (the page then answers 400)."""
        return self.cleaned_data["period"] if self.is_bound and self.is_valid() else self.default()


class PeriodForm(_PeriodPageForm):
    """`start` and `end`, local dates, both included, at most 366 days; by default this month up to today."""

    start = _date_field(_("From"))
    end = _date_field(_("To"))

    @staticmethod
    def default():
        return period_asked()

    @staticmethod
    def initial_for(period):
        return {"start": period.start, "end": period.end}

    def clean(self):
        data = super().clean()
        if "start" in self.errors or "end" in self.errors:
            return data
        try:
            data["period"] = period_asked(data.get("start"), data.get("end"))
        except DomainInputError as error:
            self.add_error(error.field, error.args[0])
        return data


class MonthForm(_PeriodPageForm):
    """`month` as YYYY-MM; by default the current month."""

    month = MonthField(label=_("Month"), required=False)

    @staticmethod
    def default():
        return month_asked()

    @staticmethod
    def initial_for(period):
        return {"month": period}

    def clean(self):
        data = super().clean()
        if "month" not in self.errors:
            data["period"] = month_asked(data.get("month"))
        return data


# --- API --------------------------------------------------------------------------------------


class MonthInputField(serializers.CharField):
    """A month written YYYY-MM, validated to its Period."""

    default_error_messages = {"invalid": BAD_MONTH}

    def to_internal_value(self, data):
        try:
            return Period.from_month(super().to_internal_value(data))
        except DomainInputError as error:
            raise serializers.ValidationError(error.args[0], code="invalid") from None

    def to_representation(self, value):
        return f"{value.start:%Y-%m}"


def _date_input(required):
    return serializers.DateField(required=required, error_messages={"invalid": BAD_DATE}, help_text=(
        f"local date (YYYY-MM-DD); the period includes its end day, at most {MAX_PERIOD_DAYS} days"))


class PeriodInput(serializers.Serializer):
    """`start` and `end`, local dates, both included, at most 366 days; by default this month up to today."""

    start = _date_input(required=False)
    end = _date_input(required=False)

    def validate(self, data):
        try:
            period = period_asked(data.pop("start", None), data.pop("end", None))
        except DomainInputError as error:
            raise serializers.ValidationError({error.field: [error.args[0]]}) from None
        return {**data, "period": period}


class RequiredPeriodInput(PeriodInput):
    """`start` and `end` as in PeriodInput, both required."""

    start = _date_input(required=True)
    end = _date_input(required=True)


class MonthInput(serializers.Serializer):
    """`month` as YYYY-MM; by default the current month."""

    month = MonthInputField(required=False)

    def validate(self, data):
        return {**data, "period": month_asked(data.pop("month", None))}


class RequiredMonthInput(MonthInput):
    """`month` as YYYY-MM, required."""

    month = MonthInputField()
