"""The base map's outline API: scoped, public for anonymous callers, simplified per zoom, cached per version."""

import math

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from rest_framework.test import APIClient

from grids.models import Area, Building, KeyPlace
from grids.selectors import outline_tolerance

from ..factories import AreaFactory, box

URL = "/api/v1/areas/outline/"


@pytest.fixture
def other_district(tree):
    """A second district of the city, a star of 64 points (every vertex seen up close), with one street."""
    star = MultiPolygon(Polygon([
        (113.80 + radius * math.cos(angle), 23.005 + radius * math.sin(angle))
        for step in range(128)
        for angle, radius in [(step * math.pi / 64, 0.004 if step % 2 else 0.003)]
    ] + [(113.803, 23.005)]), srid=4326)
    district = AreaFactory(code="441902", name="邻区", level=Area.Level.DISTRICT, parent=tree.city, geom=star)
    AreaFactory(code="441902001", name="邻街道", level=Area.Level.STREET, parent=district, geom=star)
    return district


def features(response):
    assert response.status_code == 200, response.content
    assert response.json()["type"] == "FeatureCollection"
    return {feature["id"]: feature for feature in response.json()["features"] if "id" in feature}


def vertex_count(feature):
    def count(coordinates):
        return 1 if isinstance(coordinates[0], float) else sum(count(part) for part in coordinates)
    return count(feature["geometry"]["coordinates"])


def test_a_grid_worker_gets_their_district_not_another(tree, actors, other_district, api):
    shown = features(api(actors.grid_worker).get(URL, {"zoom": 15}))
    assert "441901" in shown and "441902" not in shown and "441902001" not in shown
    assert {f["properties"]["level"] for f in shown.values()} == {"district", "street", "community", "grid"}
    assert shown["441901001"]["properties"]["name"] == "西街道"
    assert shown["441901002"]["properties"]["name"] == "东街道"  # the neighbouring street too: to orient
    assert {code for code, f in shown.items() if f["properties"]["level"] == "grid"} == {
        grid.code for grid in tree.grids[:2]}  # but the grids of their own street only
    own = [code for code, feature in shown.items() if feature["properties"]["own"]]
    assert own == [tree.grids[0].code]  # their grid, highlighted


def test_levels_follow_the_zoom(tree, actors, api):
    levels = {
        zoom: {f["properties"]["level"] for f in features(api(actors.grid_worker).get(URL, {"zoom": zoom})).values()}
        for zoom in (10, 12, 14, 15)
    }
    assert levels == {
        10: {"district"}, 12: {"district", "street"}, 14: {"district", "street", "community"},
        15: {"district", "street", "community", "grid"},
    }


def test_anonymous_callers_get_the_public_outline_only(tree, actors, other_district):
    KeyPlace.objects.create(grid=tree.grids[0], name="第一小学", address="西街1号", place_code="KP1",
                            kind=KeyPlace.Kind.SCHOOL, location=Point(113.705, 23.005, srid=4326))
    response = APIClient().get(URL, {"zoom": 18})
    shown = features(response)
    assert {"441900", "441901", "441902", "441901001", "441901001001", "441902001"} <= set(shown)
    assert {f["properties"]["level"] for f in shown.values()} == {"city", "district", "street", "community"}
    assert all(set(f["properties"]) == {"name", "level", "label"} for f in shown.values())  # no `own`
    assert len(response.json()["features"]) == len(shown)  # no places


def test_staff_get_the_places_of_their_scope_when_zoomed_in(tree, actors, api):
    at = Point(113.705, 23.005, srid=4326)
    KeyPlace.objects.create(grid=tree.grids[0], name="第一小学", address="西街1号", place_code="KP1",
                            kind=KeyPlace.Kind.SCHOOL, location=at)
    KeyPlace.objects.create(grid=tree.grids[2], name="东市场", address="东街1号", place_code="KP2",
                            kind=KeyPlace.Kind.MARKET, location=Point(113.725, 23.005, srid=4326))
    Building.objects.create(grid=tree.grids[1], name="3栋", address="西街3号", code="B3", location=at)

    def places(zoom):
        answer = api(actors.grid_worker).get(URL, {"zoom": zoom}).json()["features"]
        return sorted((f["properties"]["place"], f["properties"]["name"]) for f in answer if "place" in f["properties"])

    assert places(15) == []
    assert places(16) == [("building", "3栋"), ("key_place", "第一小学")]  # not the east street's market


def test_the_geometry_is_simplified_for_the_zoom(tree, other_district, api, actors):
    far = features(api(actors.admin).get(URL, {"zoom": 8}))["441902"]
    near = features(api(actors.admin).get(URL, {"zoom": 18}))["441902"]
    assert near["geometry"]["type"] == far["geometry"]["type"] == "MultiPolygon"
    assert vertex_count(near) == other_district.geom.num_points == 129  # the star as stored
    assert vertex_count(far) < vertex_count(near) / 4
    assert outline_tolerance(8) > 10 * outline_tolerance(18)


def test_an_edited_area_is_not_served_from_the_cache(tree, actors, api):
    assert features(api(actors.grid_worker).get(URL, {"zoom": 12}))["441901001"]["properties"]["name"] == "西街道"
    tree.west_street.name = "西城街道"
    tree.west_street.geom = box(113.70, 23.00, 113.72, 23.012)
    tree.west_street.save()
    street = features(api(actors.grid_worker).get(URL, {"zoom": 12}))["441901001"]
    assert street["properties"]["name"] == "西城街道"
    assert street["geometry"]["coordinates"] == [[[[113.70, 23.00], [113.70, 23.012], [113.72, 23.012], [113.72, 23.00],
                                                  [113.70, 23.00]]]]


@pytest.mark.parametrize("zoom", ["", "near", "-1", "23"])
def test_a_bad_zoom_answers_400(tree, actors, api, zoom):
    response = api(actors.grid_worker).get(URL, {"zoom": zoom} if zoom else {})
    assert response.status_code == 400
    assert "zoom" in response.json()["extra"]["fields"]


def test_only_a_grid_worker_has_areas_of_their_own(tree, actors, api):
    shown = features(api(actors.street_coordinator).get(URL, {"zoom": 15}))
    assert len(shown) == 7 and not any(feature["properties"]["own"] for feature in shown.values())
