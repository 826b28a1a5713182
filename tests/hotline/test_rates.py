"""The three rates (三率) against hand-computed figures (domain.md §4 formulas)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from govportal.periods import Period
from hotline import services
from hotline.models import RateWeights
from hotline.selectors import three_rates_by_unit, three_rates_for_area
from tests.factories import TEST_PASSWORD

from .conftest import close

pytestmark = pytest.mark.dated


def period():
    today = timezone.localdate()
    return {"period": Period(today - timedelta(days=1), today)}


def test_rates_of_the_west_street_by_hand(callbacks, tree):
    rates = three_rates_for_area(area_code=tree.west_street.code, **period())
    # valid: t1, t2, t3, t5 = 4; responded t1 t2 t5 = 3; solved t1 t5 = 2;
    # satisfaction (2 satisfied + 0.9 × 1 basically) / 4 = 0.725;
    # composite 0.1 × 0.75 + 0.5 × 0.5 + 0.4 × 0.725 = 0.615
    assert rates["valid_callbacks"] == 4
    assert rates["response_rate"] == pytest.approx(0.75)
    assert rates["resolution_rate"] == pytest.approx(0.5)
    assert rates["satisfaction_rate"] == pytest.approx(0.725)
    assert rates["composite"] == pytest.approx(0.615)
    assert rates["supervised"] == 1


def test_rates_of_the_district_include_the_east(callbacks, tree):
    rates = three_rates_for_area(area_code=tree.district.code, **period())
    # valid 5; responded 4 → 0.8; solved 3 → 0.6; satisfaction (3 + 0.9) / 5 = 0.78;
    # composite 0.08 + 0.3 + 0.312 = 0.692
    assert (rates["valid_callbacks"], rates["supervised"]) == (5, 1)
    assert (rates["response_rate"], rates["resolution_rate"]) == (pytest.approx(0.8), pytest.approx(0.6))
    assert rates["satisfaction_rate"] == pytest.approx(0.78)
    assert rates["composite"] == pytest.approx(0.692)


def test_a_period_without_valid_callbacks_has_no_rates(callbacks, tree):
    today = timezone.localdate()
    rates = three_rates_for_area(area_code=tree.district.code,
                                 period=Period(today + timedelta(days=1), today + timedelta(days=2)))
    assert rates == {"valid_callbacks": 0, "response_rate": None, "resolution_rate": None,
                     "satisfaction_rate": None, "composite": None, "supervised": 0,
                     "reminders": 0, "notices": 0}


def test_units_are_ranked_by_composite(callbacks, operator, actors):
    ranking = three_rates_by_unit(user=operator, **period())  # the hotline centre sees the whole city
    assert [(row["rank"], row["unit_name"], row["valid_callbacks"]) for row in ranking] == [
        (1, "东社区居委会", 1), (2, "西社区居委会", 4)]
    assert ranking[0]["composite"] == pytest.approx(1.0)
    assert ranking[1]["composite"] == pytest.approx(0.615)
    assert ranking[1]["supervised"] == 1
    west_only = three_rates_by_unit(user=actors.street_coordinator, **period())  # the west street's
    assert [row["unit_name"] for row in west_only] == ["西社区居委会"]


def test_the_ranking_keeps_to_the_readers_scope(callbacks, actors):
    assert [row["unit_name"] for row in three_rates_by_unit(user=actors.outsider, **period())] == ["东社区居委会"]
    actors.outsider.is_active = False
    assert three_rates_by_unit(user=actors.outsider, **period()) == []


def test_weights_and_the_basically_factor_come_from_the_data(dispatched, operator, catalogue, tree):
    RateWeights.objects.create(category=catalogue["0301"], response_weight="0.2", resolution_weight="0.4",
                               satisfaction_weight="0.4", basically_factor="0.8")
    call = dispatched(code="0301")
    close(call.ticket_id)
    services.ticket_callback(ticket_id=call.ticket_id, actor=operator, reached=True, responded=True, solved=False,
                             satisfaction="basically")
    rates = three_rates_for_area(area_code=tree.city.code, **period())
    # response 1, resolution 0, satisfaction 0.8 → 0.2 × 1 + 0.4 × 0 + 0.4 × 0.8 = 0.52
    assert rates["satisfaction_rate"] == pytest.approx(0.8)
    assert rates["composite"] == pytest.approx(0.52)


def test_the_rates_api_checks_the_period_and_the_scope(client, callbacks, actors, tree):
    client.login(username=actors.street_coordinator.username, password=TEST_PASSWORD)
    today = timezone.localdate()
    url = reverse("api:hotline-area-rates", args=[tree.west_street.code])
    body = client.get(url, {"start": today - timedelta(days=1), "end": today}).json()
    assert body["valid_callbacks"] == 4 and body["composite"] == pytest.approx(0.615)
    bad = client.get(url, {"start": today, "end": today - timedelta(days=1)})
    assert bad.status_code == 400 and "end" in bad.json()["extra"]["fields"]
    other, unknown = (reverse("api:hotline-area-rates", args=[code]) for code in (tree.east_street.code, "441901999"))
    outside, missing = (client.get(path, {"start": today, "end": today}) for path in (other, unknown))
    assert outside.status_code == missing.status_code == 404 and outside.json() == missing.json()
    ranking = client.get(reverse("api:hotline-unit-ranking"), {"start": today - timedelta(days=1), "end": today})
    assert [row["unit_name"] for row in ranking.json()] == ["西社区居委会"]
