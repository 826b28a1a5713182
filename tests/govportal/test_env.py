from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured

from govportal.env import (
    env_bool, env_database, env_duration, env_int, env_list, env_periods, env_redis_url, env_str, env_url, url_source,
)


def test_required_variable_missing_is_an_error(monkeypatch):
    monkeypatch.delenv("GOVPORTAL_TEST_VAR", raising=False)
    with pytest.raises(ImproperlyConfigured, match="GOVPORTAL_TEST_VAR is required"):
        env_str("GOVPORTAL_TEST_VAR")
    assert env_str("GOVPORTAL_TEST_VAR", "fallback") == "fallback"


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("On", True), ("1", True), ("no", False), ("0", False)])
def test_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("GOVPORTAL_TEST_VAR", raw)
    assert env_bool("GOVPORTAL_TEST_VAR") is expected


@pytest.mark.parametrize(
    ("reader", "raw"),
    [(env_bool, "maybe"), (env_int, "ten"), (env_database, "mysql://x/y"), (env_redis_url, "localhost:6379"),
     (env_url, "tiles.example.cn/{z}/{x}/{y}.png"), (env_url, "ftp://tiles.example.cn/"), (env_url, "https:///{z}"),
     *((env_duration, raw) for raw in ("10 hours", "1.5h", "-10m", "h", "never", "10h30m"))],
)
def test_bad_values_stop_start_up(monkeypatch, reader, raw):
    monkeypatch.setenv("GOVPORTAL_TEST_VAR", raw)
    with pytest.raises(ImproperlyConfigured, match="GOVPORTAL_TEST_VAR"):
        reader("GOVPORTAL_TEST_VAR")


def test_a_placeholder_in_a_tile_host_only_as_its_first_label():
    with pytest.raises(ImproperlyConfigured, match="first label"):
        url_source("https://tiles.{s}.example.cn/{z}/{x}/{y}.png")


def test_int_minimum_and_list(monkeypatch):
    monkeypatch.setenv("GOVPORTAL_TEST_VAR", "-1")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("GOVPORTAL_TEST_VAR", minimum=0)
    monkeypatch.setenv("GOVPORTAL_TEST_VAR", "a.example, ,b.example")
    assert env_list("GOVPORTAL_TEST_VAR") == ["a.example", "b.example"]


def test_database_url_selects_postgis(monkeypatch):
    monkeypatch.setenv("GOVPORTAL_TEST_VAR", "postgres://u:p@db.internal:5433/gov")
    config = env_database("GOVPORTAL_TEST_VAR")
    assert config["ENGINE"] == "django.contrib.gis.db.backends.postgis"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 5433, "gov")


@pytest.mark.parametrize("raw", ["08:30-12:00,11:00-17:30", "8:30-12:00", "12:00-08:30", "08:30-25:00", "morning"])
def test_bad_working_periods_stop_start_up(monkeypatch, raw):
    monkeypatch.setenv("GOVPORTAL_TEST_VAR", raw)
    with pytest.raises(ImproperlyConfigured, match="GOVPORTAL_TEST_VAR"):
        env_periods("GOVPORTAL_TEST_VAR", [])


def test_working_periods(monkeypatch):
    monkeypatch.setenv("GOVPORTAL_TEST_VAR", "09:00-12:00, 13:30-18:00")
    assert env_periods("GOVPORTAL_TEST_VAR", []) == ["09:00-12:00", "13:30-18:00"]


@pytest.mark.parametrize(("raw", "expected"), [
    ("36000", timedelta(hours=10)), ("600s", timedelta(minutes=10)), ("30m", timedelta(minutes=30)),
    ("10h", timedelta(hours=10)), ("7D", timedelta(days=7)),
])
def test_durations(monkeypatch, raw, expected):
    monkeypatch.setenv("GOVPORTAL_TEST_VAR", raw)
    assert env_duration("GOVPORTAL_TEST_VAR") == expected


def test_duration_minimum(monkeypatch):
    monkeypatch.setenv("GOVPORTAL_TEST_VAR", "30s")
    with pytest.raises(ImproperlyConfigured, match="at least"):
        env_duration("GOVPORTAL_TEST_VAR", minimum=timedelta(minutes=1))
    monkeypatch.delenv("GOVPORTAL_TEST_VAR")
    assert env_duration("GOVPORTAL_TEST_VAR", timedelta(hours=10)) == timedelta(hours=10)
