"""Dates and times are read within the years 1900–2999, on pages and in the API, never converted beyond them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.utils import translation
from rest_framework import serializers

from govportal.dates import YEAR_OUT_OF_RANGE, DateTimeFormField, DateTimeInputField

SHANGHAI = ZoneInfo("Asia/Shanghai")
OUTSIDE = ["0001-01-01T00:00:00", "1899-12-31T23:59:59", "3000-01-01T00:00:00", "9999-12-31T23:59:59"]


class Form(forms.Form):
    at = DateTimeFormField()


class Input(serializers.Serializer):
    at = DateTimeInputField()


@pytest.mark.parametrize("text", OUTSIDE)
def test_a_date_and_time_outside_the_years_is_refused_on_a_page_and_in_the_api(text):
    form, data = Form({"at": text}), Input(data={"at": text})
    assert not form.is_valid() and form.errors == {"at": [str(YEAR_OUT_OF_RANGE)]}
    assert not data.is_valid() and data.errors == {"at": [str(YEAR_OUT_OF_RANGE)]}


def test_the_first_and_the_last_minute_of_the_years_are_read_in_local_time():
    for text, expected in (("1900-01-01T00:00:00", datetime(1900, 1, 1, tzinfo=SHANGHAI)),
                           ("2999-12-31T23:59:00", datetime(2999, 12, 31, 23, 59, tzinfo=SHANGHAI))):
        form, data = Form({"at": text}), Input(data={"at": text})
        assert form.is_valid() and form.cleaned_data["at"] == expected
        assert data.is_valid() and data.validated_data["at"] == expected


def test_the_message_is_translated():
    with translation.override("zh-hans"):
        assert str(YEAR_OUT_OF_RANGE) == "年份须在 1900 至 2999 之间。"
