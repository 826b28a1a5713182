"""The dashboard API: figures from the rollups, the caller's scope (403 outside), 400 on bad input."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from dashboards import selectors
from dashboards.api import NO_SUCH_AREA
from dashboards.selectors import NOT_A_VIEWER
from dashboards.services import rollups_fold
from govportal.periods import END_BEFORE_START
from grids.models import KeyPlace
from incidents.services import ticket_accept
from mediation.models import MediationCase
from mediation.services import case_conclude_agreement
from tests.mediation.conftest import make_case, mediation  # noqa: F401 - fixtures

from .conftest import START

pytestmark = pytest.mark.dated

ENDPOINTS = ("summary", "children", "trend", "categories", "top-grids", "map", "ranking")


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(name, code):
    return reverse(f"api:dashboard-{name}", args=[code])


@pytest.fixture
def tickets(tree, report, staff):
    """Three tickets in the west street (one accepted), two in the east one, reported at START."""
    with time_machine.travel(START, tick=False):
        west = [report(tree.grids[0]), report(tree.grids[1]), report(tree.grids[1], code="0201")]
        east = [report(tree.grids[2]), report(tree.grids[3])]
        ticket_accept(ticket_id=west[0].pk, actor=staff[west[0].handling_unit_id])
    return west, east


@pytest.fixture
def now():
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        yield


def test_summary_carries_the_mediation_success_rate_of_the_area(actors, tree, mediation, make_case, now):
    case = make_case(MediationCase.Status.MEDIATING)
    case_conclude_agreement(case_id=case.pk, actor=mediation.committee_mediator, kind="written",
                            obligations="赔偿维修费。", performance_manner="转账。",
                            performance_deadline=(START + timedelta(days=30)).date())
    west = client_for(actors.leader).get(url("summary", tree.west_street.code)).json()
    assert west["mediation"] == {"concluded": 1, "successful": 1, "success_rate": 1.0}
    east = client_for(actors.admin).get(url("summary", tree.east_street.code)).json()
    assert east["mediation"]["concluded"] == 0


def test_summary_counts_the_area_only(actors, tree, tickets, now):
    data = client_for(actors.leader).get(url("summary", tree.west_street.code)).json()
    assert data["area"] == {"code": tree.west_street.code, "name": tree.west_street.name, "level": "street"}
    assert data["today"]["reported"] == data["month"]["reported"] == 3
    assert data["open_now"] == 3 and data["overdue_open_now"] == 0
    assert data["hotline"]["valid_callbacks"] == 0 and data["hotline"]["composite"] is None
    assert data["mediation"] == {"concluded": 0, "successful": 0, "success_rate": None}
    assert [crumb["code"] for crumb in data["breadcrumbs"]] == [tree.west_street.code]


def test_figures_are_the_same_before_and_after_a_fold(actors, tree, tickets, now):
    client = client_for(actors.admin)
    before = {name: client.get(url(name, tree.city.code)).json() for name in ("summary", "children", "categories")}
    rollups_fold()
    after = {name: client.get(url(name, tree.city.code)).json() for name in ("summary", "children", "categories")}
    assert before == after
    assert after["summary"]["month"]["reported"] == 5
    assert after["children"][0]["code"] == tree.district.code and after["children"][0]["reported"] == 5
    assert after["categories"] == [{"code": "01", "name": "城市管理", "reported": 4},
                                   {"code": "02", "name": "市政设施", "reported": 1}]


def test_drill_down_lists_the_child_areas(actors, tree, tickets, now):
    rows = client_for(actors.leader).get(url("children", tree.west_community.code)).json()
    assert [(row["code"], row["reported"], row["open_now"]) for row in rows] == [
        (tree.grids[0].code, 1, 1), (tree.grids[1].code, 2, 2)]
    top = client_for(actors.leader).get(url("top-grids", tree.west_street.code)).json()
    assert [row["grid_code"] for row in top] == [tree.grids[1].code, tree.grids[0].code]


def test_trend_has_a_row_per_day(actors, tree, tickets, now):
    day = START.date()
    rows = client_for(actors.leader).get(url("trend", tree.west_street.code),
                                         {"start": day - timedelta(days=2), "end": day}).json()
    assert [row["reported"] for row in rows] == [0, 0, 3]


def test_map_layers(actors, tree, tickets, now):
    data = client_for(actors.leader).get(url("map", tree.west_community.code)).json()
    features = data["areas"]["features"]
    assert [f["properties"]["code"] for f in features] == [tree.grids[0].code, tree.grids[1].code]
    assert features[1]["geometry"]["type"] == "MultiPolygon"
    clusters = sorted((cluster["code"], cluster["count"]) for cluster in data["clusters"])
    assert clusters == [(tree.grids[0].code, 1), (tree.grids[1].code, 2)]
    in_grid = client_for(actors.leader).get(url("map", tree.grids[1].code)).json()
    assert sorted(c["ticket_id"] for c in in_grid["clusters"]) == sorted(t.pk for t in tickets[0][1:])
    (grid,) = in_grid["areas"]["features"]  # a grid has no children: it is shown itself
    assert grid["properties"]["code"] == tree.grids[1].code and grid["properties"]["reported"] == 2
    assert grid["properties"]["open_now"] is None and "id" not in grid


# What each endpoint says about a street, reduced to the figures that count its tickets.
FIGURES = {
    "summary": lambda data: (data["today"]["reported"], data["month"]["reported"], data["open_now"]),
    "children": lambda rows: [(row["code"], row["reported"], row["open_now"]) for row in rows],
    "trend": lambda rows: [row["reported"] for row in rows if row["day"] == START.date().isoformat()],
    "categories": lambda rows: [(row["code"], row["reported"]) for row in rows],
    "top-grids": lambda rows: [(row["grid_code"], row["reported"]) for row in rows],
    "map": lambda data: ([(f["properties"]["code"], f["properties"]["reported"]) for f in data["areas"]["features"]],
                         [(cluster["code"], cluster["count"]) for cluster in data["clusters"]]),
    "ranking": lambda data: ([(row["code"], row["overdue"], row["return_rate"]) for row in data["streets"]],
                             data["departments"]),
}


def street_figures(tree):
    """Return FIGURES as each street's reader must see them with the `tickets` fixture: the west street
    holds 3 tickets (2 in its second grid; one of category 0201, dispatched to a department), the east 2."""
    west, east, grids = tree.west_community.code, tree.east_community.code, [grid.code for grid in tree.grids]
    return {
        tree.west_street: {
            "summary": (3, 3, 3), "children": [(west, 3, 3)], "trend": [3], "categories": [("01", 2), ("02", 1)],
            "top-grids": [(grids[1], 2), (grids[0], 1)], "map": ([(west, 3)], [(west, 3)]),
            "ranking": ([(tree.west_street.code, 0, 0.0)], []),
        },
        tree.east_street: {
            "summary": (2, 2, 2), "children": [(east, 2, 2)], "trend": [2], "categories": [("01", 2)],
            "top-grids": [(grids[2], 1), (grids[3], 1)], "map": ([(east, 2)], [(east, 2)]),
            "ranking": ([(tree.east_street.code, 0, None)], []),
        },
    }


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_another_streets_figures_are_refused(actors, tree, tickets, now, endpoint):
    """Each street's reader sees exactly their own street's tickets; another street's areas are not there (404)."""
    for user, street in ((actors.leader, tree.west_street), (actors.outsider, tree.east_street)):
        response = client_for(user).get(url(endpoint, street.code))
        assert response.status_code == 200, (user, street)
        assert FIGURES[endpoint](response.json()) == street_figures(tree)[street][endpoint], (user, street)
    for user, code in ((actors.leader, tree.east_street.code), (actors.leader, tree.district.code),
                       (actors.outsider, tree.west_street.code), (actors.leader, tree.grids[2].code),
                       (actors.outsider, tree.west_community.code), (actors.outsider, tree.grids[1].code)):
        response = client_for(user).get(url(endpoint, code))
        assert response.status_code == 404, (user, code)
        assert response.json()["message"] == str(NO_SUCH_AREA)  # as for an unknown code


def test_roles_without_dashboards_are_refused(actors, tree):
    for user in (actors.grid_worker, actors.department_handler):
        response = client_for(user).get(url("summary", tree.west_street.code))
        assert response.status_code == 403 and response.json()["message"] == str(NOT_A_VIEWER)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_street_leader_never_sees_another_streets_figures(actors, tree, tickets, now, data):
    areas = [tree.city, tree.district, tree.west_street, tree.east_street, tree.west_community,
             tree.east_community, *tree.grids]
    area = data.draw(st.sampled_from(areas))
    endpoint = data.draw(st.sampled_from(ENDPOINTS))
    response = client_for(actors.leader).get(url(endpoint, area.code))
    inside = area.code.startswith(tree.west_street.code)
    assert response.status_code == (200 if inside else 404)
    if inside:
        text = response.content.decode()
        assert tree.east_street.code not in text and tree.east_community.code not in text


def test_unknown_area_and_bad_periods(actors, tree):
    client = client_for(actors.admin)
    missing = client.get(url("summary", "441999"))
    assert missing.status_code == 404 and missing.json()["message"] == str(NO_SUCH_AREA)
    reversed_ = client.get(url("trend", tree.city.code), {"start": "2026-11-10", "end": "2026-11-01"})
    assert reversed_.status_code == 400
    assert reversed_.json()["extra"]["fields"] == {"end": [str(END_BEFORE_START)]}
    too_long = client.get(url("trend", tree.city.code), {"start": "2025-01-01", "end": "2026-11-01"})
    assert too_long.status_code == 400 and "start" in too_long.json()["extra"]["fields"]
    bad_date = client.get(url("children", tree.city.code), {"start": "yesterday"})
    assert bad_date.status_code == 400 and "start" in bad_date.json()["extra"]["fields"]
    bad_month = client.get(url("ranking", tree.city.code), {"month": "2026-13"})
    assert bad_month.status_code == 400 and "month" in bad_month.json()["extra"]["fields"]


def test_key_places_and_risk_sources_from_street_level_down(actors, tree):
    grid = tree.grids[0]
    for code, kind, risk in (("P1", KeyPlace.Kind.SCHOOL, KeyPlace.Risk.LOW),
                             ("P2", KeyPlace.Kind.HAZARDOUS, KeyPlace.Risk.MEDIUM)):
        KeyPlace.objects.create(grid=grid, name=code, address="一号", place_code=code, kind=kind, risk_level=risk,
                                location=grid.geom.centroid)
    street = client_for(actors.leader).get(url("map", tree.west_street.code)).json()
    assert [place["name"] for place in street["key_places"]] == ["P1", "P2"]
    assert [place["name"] for place in street["risk_sources"]] == ["P2"]
    city = client_for(actors.admin).get(url("map", tree.city.code)).json()
    assert city["key_places"] == city["risk_sources"] == []
    assert client_for(actors.outsider).get(url("map", tree.east_street.code)).json()["key_places"] == []


def test_a_province_counts_what_its_cities_count(actors, tree, province, tickets, report, now):
    """By hand: five tickets in the tree's city (tickets), one in the other city; the province has six."""
    with time_machine.travel(START, tick=False):
        report(province.other_grid)
    client = client_for(province.province_leader)
    for _ in ("live", "folded"):
        summary = client.get(url("summary", province.province.code)).json()
        assert summary["month"]["reported"] == 6 and summary["open_now"] == 6
        children = client.get(url("children", province.province.code)).json()
        assert [(row["code"], row["level"], row["reported"], row["open_now"]) for row in children] == [
            (province.other_city.code, "city", 1, 1), (tree.city.code, "city", 5, 5)]
        rollups_fold()
    assert selectors.dashboard_area(user=province.province_leader) == province.province


def test_a_city_leader_does_not_see_the_other_city_nor_the_province(tree, province, tickets, now):
    client = client_for(province.city_leader)
    assert client.get(url("summary", tree.city.code)).json()["month"]["reported"] == 5
    for code in (province.other_city.code, province.other_grid.code, province.province.code):
        response = client.get(url("summary", code))
        assert response.status_code == 404 and response.json()["message"] == str(NO_SUCH_AREA)
