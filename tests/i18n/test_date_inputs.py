"""A date or time in an input is ISO whatever the language: <input type="date"> shows nothing else."""

from datetime import date, datetime

import pytest
from django import forms
from django.utils import translation

from govportal.periods import PeriodForm
from mediation.forms import SessionForm  # a date-time input
from tests.pages import parse


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_date_and_time_inputs_show_iso_values(language):
    with translation.override(language):
        day = parse(forms.DateInput(attrs={"type": "date"}).render("day", date(2026, 12, 1))).one("input")
        moment = parse(forms.DateTimeInput(attrs={"type": "datetime-local"})
                       .render("at", datetime(2026, 12, 1, 9, 30))).one("input")
        period = parse(PeriodForm(initial={"start": date(2026, 11, 1)})["start"].as_widget()).one("input")
    assert (day.attrs["value"], moment.attrs["value"], period.attrs["value"]) == (
        "2026-12-01", "2026-12-01T09:30", "2026-11-01")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_what_an_input_sends_is_read_in_every_language(language):
    with translation.override(language):
        assert forms.DateField().clean("2026-12-01") == date(2026, 12, 1)
        assert forms.DateTimeField().clean("2026-12-01T09:30").replace(tzinfo=None) == datetime(2026, 12, 1, 9, 30)


def test_a_mediation_session_form_shows_its_time():
    with translation.override("zh-hans"):
        form = SessionForm(initial={"held_at": datetime(2026, 12, 1, 9, 30)})
        assert parse(str(form["held_at"])).one("input").attrs["value"] == "2026-12-01T09:30"
