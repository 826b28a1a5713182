"""The years the platform reads a date in, 1900–2999: a period's days (govportal.periods) and every date and
time an input takes.

Beyond them lie only typos and probes, and instants Python cannot convert: 0001-01-01 00:00 in Beijing
lies before the first instant of UTC, and the day after 9999-12-31 does not exist.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

FIRST_YEAR, LAST_YEAR = 1900, 2999
YEAR_OUT_OF_RANGE = format_lazy(_("Give a year from {first} to {last}."), first=FIRST_YEAR, last=LAST_YEAR)


def in_years(year):
    """Return whether `year` (a number) is one the platform reads a date in."""
    return FIRST_YEAR <= year <= LAST_YEAR


def validate_year(value):
    """Raise ValidationError unless the date or datetime `value` lies in the years FIRST_YEAR–LAST_YEAR."""
    if not in_years(value.year):
        raise ValidationError(YEAR_OUT_OF_RANGE, code="year")


class DateTimeFormField(forms.DateTimeField):
    """A page's date and time, within the years."""

    default_validators = [validate_year]


class DateTimeInputField(serializers.DateTimeField):
    """An API's date and time, within the years: refused before DRF converts it to UTC, which overflows."""

    default_error_messages = {"year": YEAR_OUT_OF_RANGE}

    def enforce_timezone(self, value):
        if not in_years(value.year):
            self.fail("year")
        return super().enforce_timezone(value)
