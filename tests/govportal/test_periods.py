"""Periods: the end day included, at most 366 days, the same messages from the pages' forms and the API."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from govportal.dates import YEAR_OUT_OF_RANGE
from govportal.errors import DomainInputError
from govportal.periods import (
    BAD_DATE, BAD_MONTH, END_BEFORE_START, MAX_PERIOD_DAYS, PERIOD_TOO_LONG, MonthForm, MonthInput, Period,
    PeriodForm, PeriodInput, RequiredMonthInput, RequiredPeriodInput,
)
from tests.periods import BAD_MONTHS, BAD_PERIODS, LONGEST_PERIOD

pytestmark = pytest.mark.dated

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Mid-February of a leap year: "this month" ends on the 29th.
NOW = datetime(2028, 2, 16, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def today():
    with time_machine.travel(NOW, tick=False):
        yield NOW.date()


def refusal(text):
    with pytest.raises(DomainInputError) as caught:
        Period.from_month(text)
    return caught.value.field, caught.value.args[0]


def form_errors(form):
    return {field: list(errors) for field, errors in form.errors.items()}


def test_the_end_day_is_included():
    assert Period(date(2026, 11, 1), date(2026, 11, 30)).days == 30
    assert Period(date(2026, 11, 30), date(2026, 11, 30)).days == 1


def test_a_period_is_checked_for_order_and_length():
    assert Period.checked(date(2026, 11, 30), date(2026, 11, 30)) == Period(date(2026, 11, 30), date(2026, 11, 30))
    with pytest.raises(DomainInputError) as reversed_:
        Period.checked(date(2026, 11, 2), date(2026, 11, 1))
    assert (reversed_.value.field, reversed_.value.args[0]) == ("end", END_BEFORE_START)
    assert Period.checked(date(2025, 11, 2), date(2026, 11, 2)).days == MAX_PERIOD_DAYS == 366
    assert Period.checked(date(2028, 1, 1), date(2028, 12, 31)).days == 366  # a leap year fits
    with pytest.raises(DomainInputError) as too_long:
        Period.checked(date(2025, 11, 1), date(2026, 11, 2))
    assert (too_long.value.field, too_long.value.args[0]) == ("start", PERIOD_TOO_LONG)


def test_months():
    assert Period.month_of(date(2028, 2, 10)) == Period(date(2028, 2, 1), date(2028, 2, 29))
    assert Period.month_of(date(2026, 12, 31)) == Period(date(2026, 12, 1), date(2026, 12, 31))
    assert Period.month_to_date(date(2026, 11, 23)) == Period(date(2026, 11, 1), date(2026, 11, 23))
    assert Period.from_month("2026-11") == Period(date(2026, 11, 1), date(2026, 11, 30))
    assert Period.from_month("2026-12") == Period(date(2026, 12, 1), date(2026, 12, 31))
    for text, message in BAD_MONTHS + [(text, BAD_MONTH) for text in (
            "2026-00", "0000-01", " 2026-11", "2026-11\n", "", None, 202611)]:
        assert refusal(text) == ("month", message), text
    assert Period.from_month("1900-01").start == date(1900, 1, 1)
    assert Period.from_month("2999-12").end == date(2999, 12, 31)


def test_a_period_lies_within_the_years_1900_to_2999():
    assert Period.checked(date(1900, 1, 1), date(1900, 1, 31)).days == 31
    assert Period.checked(date(2999, 12, 1), date(2999, 12, 31)).bounds()[1] == datetime(3000, 1, 1, tzinfo=SHANGHAI)
    for start, end, field in ((date(1899, 12, 31), date(1900, 1, 1), "start"),
                              (date(2999, 12, 31), date(3000, 1, 1), "end"),
                              (date(9999, 12, 1), date(9999, 12, 31), "start")):
        with pytest.raises(DomainInputError) as refused:
            Period.checked(start, end)
        assert (refused.value.field, refused.value.args[0]) == (field, YEAR_OUT_OF_RANGE)


def test_bounds_are_local_midnights_around_whole_days():
    since, until = Period(date(2026, 11, 1), date(2026, 11, 30)).bounds()
    assert (since, until) == (datetime(2026, 11, 1, tzinfo=SHANGHAI), datetime(2026, 12, 1, tzinfo=SHANGHAI))
    assert since == datetime(2026, 10, 31, 16, 0, tzinfo=UTC)  # Beijing's midnight is 16:00 UTC the day before
    last_moment = datetime(2026, 11, 30, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    assert since <= last_moment < until <= last_moment + timedelta(microseconds=1)


@pytest.mark.parametrize("params, field, message", BAD_PERIODS + [({"start": "yesterday"}, "start", BAD_DATE)])
def test_a_bad_period_has_the_same_message_in_the_form_and_the_api(params, field, message):
    assert form_errors(PeriodForm(params)) == {field: [str(message)]}
    for serializer_class in (PeriodInput, RequiredPeriodInput):
        serializer = serializer_class(data={"end": "2026-11-01"} | params)
        assert not serializer.is_valid()
        assert serializer.errors == {field: [str(message)]}


@pytest.mark.parametrize("month, message", BAD_MONTHS)
def test_a_bad_month_has_the_same_message_in_the_form_and_the_api(month, message):
    assert form_errors(MonthForm({"month": month})) == {"month": [str(message)]}
    for serializer_class in (MonthInput, RequiredMonthInput):
        serializer = serializer_class(data={"month": month})
        assert not serializer.is_valid()
        assert serializer.errors == {"month": [str(message)]}


def test_the_longest_period_passes_everywhere():
    form, serializer = PeriodForm(LONGEST_PERIOD), RequiredPeriodInput(data=LONGEST_PERIOD)
    assert form.is_valid() and serializer.is_valid()
    assert form.period() == serializer.validated_data["period"] == Period(date(2025, 11, 2), date(2026, 11, 2))


def test_defaults_are_this_month_to_date_or_the_current_month(today):
    to_date, month = Period(date(2028, 2, 1), today), Period(date(2028, 2, 1), date(2028, 2, 29))
    assert PeriodForm().period() == PeriodForm({}).period() == to_date
    assert PeriodForm({"start": "2028-01-20"}).period() == Period(date(2028, 1, 20), today)
    assert PeriodForm({"end": "2028-02-10"}).period() == Period(date(2028, 2, 1), date(2028, 2, 10))
    assert MonthForm().period() == MonthForm({"month": ""}).period() == month
    assert MonthForm({"month": "2027-12"}).period() == Period(date(2027, 12, 1), date(2027, 12, 31))
    for serializer_class, default in ((PeriodInput, to_date), (MonthInput, month)):
        serializer = serializer_class(data={})
        assert serializer.is_valid() and serializer.validated_data == {"period": default}
    for serializer_class, fields in ((RequiredPeriodInput, {"start", "end"}), (RequiredMonthInput, {"month"})):
        serializer = serializer_class(data={})
        assert not serializer.is_valid() and set(serializer.errors) == fields


def test_a_refused_form_still_has_the_default_period_for_the_page(today):
    form = PeriodForm({"start": "2026-11-10", "end": "2026-11-01"})
    assert form.errors and form.period() == Period(date(2028, 2, 1), today)
    form = MonthForm({"month": "2026-13"})
    assert form.errors and form.period() == Period(date(2028, 2, 1), date(2028, 2, 29))


def test_inputs_show_the_default_in_the_browsers_format_whatever_the_language(today):
    with translation.override("zh-hans"):  # whose date format is 2028/02/01, which <input type="date"> ignores
        assert 'value="2028-02-01"' in str(PeriodForm()["start"])
        assert 'value="2028-02-16"' in str(PeriodForm()["end"])
        assert 'value="2028-02"' in str(MonthForm()["month"])
        assert 'value="2026-13"' in str(MonthForm({"month": "2026-13"})["month"])


def test_the_messages_are_translated_when_shown():
    with translation.override("en"):
        assert str(PERIOD_TOO_LONG) == "A period lasts at most 366 days."
    with translation.override("zh-hans"):
        assert str(PERIOD_TOO_LONG) == "时段最长 366 天。"
        assert str(END_BEFORE_START) == "结束日期早于开始日期。"
        assert str(BAD_MONTH) == "月份请按 YYYY-MM 格式填写。"
