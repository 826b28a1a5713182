"""The dashboards refuse a bad period or month alike on the pages, the Excel files and the API."""

import pytest
import time_machine
from django.urls import reverse

from tests.periods import BAD_MONTHS, BAD_PERIODS, LONGEST_PERIOD, assert_api_refuses, assert_page_refuses

from .conftest import START

pytestmark = pytest.mark.dated


@pytest.fixture
def leader(client, actors):
    """The leader logged in at START, with the clock held there (sessions expire when idle)."""
    with time_machine.travel(START, tick=False):
        client.force_login(actors.leader)
        yield client


@pytest.mark.parametrize("params, field, message", BAD_PERIODS)
def test_a_bad_period_is_the_same_400_everywhere(leader, api, actors, tree, params, field, message):
    code = tree.west_street.code
    assert_page_refuses(leader.get(reverse("dashboard", args=[code]), params), message)
    assert_page_refuses(leader.get(reverse("dashboard-export", args=[code, "trend"]), params), message)
    for name in ("children", "trend", "categories", "top-grids", "map"):
        assert_api_refuses(api(actors.leader).get(reverse(f"api:dashboard-{name}", args=[code]), params),
                           field, message)


@pytest.mark.parametrize("month, message", BAD_MONTHS)
def test_a_bad_month_is_the_same_400_everywhere(leader, api, actors, tree, month, message):
    code = tree.west_street.code
    assert_page_refuses(leader.get(reverse("assessment", args=[code]), {"month": month}), message)
    assert_page_refuses(leader.get(reverse("assessment-report", args=[code]), {"month": month}), message)
    assert_api_refuses(api(actors.leader).get(reverse("api:dashboard-ranking", args=[code]), {"month": month}),
                       "month", message)


def test_the_longest_period_is_accepted_everywhere(leader, api, actors, tree):
    code = tree.west_street.code
    page = leader.get(reverse("dashboard", args=[code]), LONGEST_PERIOD)
    assert page.status_code == 200 and page.context["period"].days == 366
    assert leader.get(reverse("dashboard-export", args=[code, "trend"]), LONGEST_PERIOD).status_code == 200
    trend = api(actors.leader).get(reverse("api:dashboard-trend", args=[code]), LONGEST_PERIOD)
    assert trend.status_code == 200 and len(trend.json()) == 366
