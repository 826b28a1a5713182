"""The three rates refuse a bad period alike on the page and the API."""

import pytest
from django.urls import reverse

from tests.periods import BAD_PERIODS, LONGEST_PERIOD, assert_api_refuses, assert_page_refuses

pytestmark = pytest.mark.dated


@pytest.fixture
def coordinator(client, actors):
    client.force_login(actors.street_coordinator)
    return client


@pytest.mark.parametrize("params, field, message", BAD_PERIODS)
def test_a_bad_period_is_the_same_400_on_the_page_and_the_api(coordinator, api, actors, tree, params, field,
                                                               message):
    page = coordinator.get(reverse("hotline-rates"), params)
    assert_page_refuses(page, message)
    assert page.context["totals"] is None and page.context["ranking"] == []  # no figures for a refused period
    client = api(actors.street_coordinator)
    assert_api_refuses(client.get(reverse("api:hotline-area-rates", args=[tree.west_street.code]), params),
                       field, message)
    assert_api_refuses(client.get(reverse("api:hotline-unit-ranking"), params), field, message)


def test_the_longest_period_is_accepted(coordinator, api, actors, tree, catalogue):
    assert coordinator.get(reverse("hotline-rates"), LONGEST_PERIOD).status_code == 200
    client = api(actors.street_coordinator)
    assert client.get(reverse("api:hotline-area-rates", args=[tree.west_street.code]),
                      LONGEST_PERIOD).status_code == 200
    assert client.get(reverse("api:hotline-unit-ranking"), LONGEST_PERIOD).status_code == 200
