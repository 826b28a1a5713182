"""Mediation's figures: a bad period or month is the same 400 on the pages and the API, and the end day counts."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mediation.models import MediationCase
from tests.periods import BAD_MONTHS, BAD_PERIODS, LONGEST_PERIOD, assert_api_refuses, assert_page_refuses

pytestmark = pytest.mark.dated

SHANGHAI = ZoneInfo("Asia/Shanghai")
STATISTICS = "/api/v1/mediation/statistics/"
MONTHLY = "/api/v1/mediation/reports/monthly/"


@pytest.fixture
def leader(client, actors):
    client.force_login(actors.leader)
    return client


@pytest.fixture
def around_november(make_case):
    """Cases registered at the first and the last minute of November in Beijing, and at December's first."""
    for instant in (datetime(2026, 11, 1, 0, 0), datetime(2026, 11, 30, 23, 59), datetime(2026, 12, 1, 0, 0)):
        with time_machine.travel(instant.replace(tzinfo=SHANGHAI), tick=False):
            make_case(MediationCase.Status.REGISTERED)


@pytest.mark.parametrize("params, field, message", BAD_PERIODS)
def test_a_bad_period_is_a_400_with_the_field_and_message(api, actors, params, field, message):
    assert_api_refuses(api(actors.leader).get(STATISTICS, params), field, message)


@pytest.mark.parametrize("month, message", BAD_MONTHS)
def test_a_bad_month_is_the_same_400_on_the_pages_and_the_api(leader, api, actors, month, message):
    assert_page_refuses(leader.get("/mediation/statistics/", {"month": month}), message)
    assert_page_refuses(leader.get("/mediation/statistics/monthly.xlsx", {"month": month}), message)
    assert_api_refuses(api(actors.leader).get(MONTHLY, {"month": month}), "month", message)


def test_the_longest_period_is_accepted(api, actors):
    assert api(actors.leader).get(STATISTICS, LONGEST_PERIOD).status_code == 200


def test_the_end_day_counts_whole_in_local_time(around_november, api, leader, actors):
    client = api(actors.leader)
    assert client.get(STATISTICS, {"start": "2026-11-01", "end": "2026-11-30"}).json()["registered"] == 2
    assert client.get(STATISTICS, {"start": "2026-11-30", "end": "2026-11-30"}).json()["registered"] == 1
    assert client.get(STATISTICS, {"start": "2026-12-01", "end": "2026-12-01"}).json()["registered"] == 1
    assert client.get(STATISTICS, {"start": "2026-10-01", "end": "2026-10-31"}).json()["registered"] == 0
    page = leader.get("/mediation/statistics/", {"month": "2026-11"})
    assert page.status_code == 200 and page.context["stats"]["registered"] == 2
