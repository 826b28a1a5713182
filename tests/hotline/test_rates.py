"""The three rates (三率) against hand-computed figures (domain.md §4 formulas)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from govportal.periods import Period
from hotline import services
from hotline.models import RateWeights
from hotline.selectors import three_rates_by_unit, three_rates_for_area
from incidents.models import Ticket
from tests.factories import TEST_PASSWORD

from .conftest import EAST_POINT

pytestmark = pytest.mark.dated


def close(ticket_id):
    """Put the order in the closed state (test set-up only: the loop is tested in tests/incidents)."""
    Ticket.objects.filter(pk=ticket_id).update(status=Ticket.Status.CLOSED, closed_at=timezone.now(), due_at=None,
                                               due_kind="")


@pytest.fixture
def callbacks(dispatched, operator, actors):
    """West community: five orders; east community: one. Returns the tickets by name."""

    def called(call, **answers):
        close(call.ticket_id)
        services.ticket_callback(ticket_id=call.ticket_id, actor=operator, **answers)
        return call.ticket_id

    tickets = {}
    tickets["t1"] = called(dispatched(), reached=True, responded=True, solved=True, satisfaction="satisfied")
    tickets["t2"] = called(dispatched(), reached=True, responded=True, solved=False, satisfaction="basically")
    tickets["t3"] = called(dispatched(), reached=True, responded=False, solved=False, satisfaction="unsatisfied")
    tickets["t4"] = called(dispatched(), reached=False)  # not a valid callback
    # t5: unsatisfied, handled again, then satisfied: only its latest valid callback counts.
    t5 = dispatched()
    called(t5, reached=True, responded=False, solved=False, satisfaction="unsatisfied")
    services.ticket_rehandle(ticket_id=t5.ticket_id, actor=operator, reason="仍未解决")
    tickets["t5"] = called(t5, reached=True, responded=True, solved=True, satisfaction="satisfied")
    tickets["east"] = called(dispatched(point=EAST_POINT), reached=True, responded=True, solved=True,
                             satisfaction="satisfied")
    services.ticket_supervise(ticket_id=dispatched().ticket_id, actor=actors.leader, reason="督办")
    # A callback long before the period counts nowhere.
    with time_machine.travel(timezone.now() - timedelta(days=40)):
        called(dispatched(), reached=True, responded=False, solved=False, satisfaction="unsatisfied")
    return tickets


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
                     "satisfaction_rate": None, "composite": None, "supervised": 0}


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
    other = reverse("api:hotline-area-rates", args=[tree.east_street.code])
    assert client.get(other, {"start": today, "end": today}).status_code == 403
    ranking = client.get(reverse("api:hotline-unit-ranking"), {"start": today - timedelta(days=1), "end": today})
    assert [row["unit_name"] for row in ranking.json()] == ["西社区居委会"]
