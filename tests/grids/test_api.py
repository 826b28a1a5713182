import pytest
from rest_framework.exceptions import NotFound
from rest_framework.test import APIClient

from grids.coords import wgs84_to_gcj02
from grids.selectors import POINT_OUTSIDE_GRIDS


def test_locate_returns_grid_and_ancestors(tree, actors, api):
    response = api(actors.grid_worker).get("/api/v1/locate", {"lat": 23.005, "lng": 113.705})
    assert response.status_code == 200
    body = response.json()
    assert body["grid"] == {"code": "441901001001001", "name": "西社区第1网格", "level": "grid"}
    assert [a["level"] for a in body["ancestors"]] == ["community", "street", "district", "city"]
    assert [a["code"] for a in body["ancestors"]] == ["441901001001", "441901001", "441901", "441900"]
    assert body["point"] == {"lat": 23.005, "lng": 113.705}


def test_locate_accepts_gcj02_and_answers_in_wgs84(tree, actors, api):
    gcj_lng, gcj_lat = wgs84_to_gcj02(113.715, 23.005)
    response = api(actors.grid_worker).get("/api/v1/locate/", {"lat": gcj_lat, "lng": gcj_lng, "crs": "gcj02"})
    assert response.status_code == 200
    assert response.json()["grid"]["code"] == tree.grids[1].code
    assert response.json()["point"] == pytest.approx({"lat": 23.005, "lng": 113.715}, abs=1e-8)


def test_locate_bad_input_answers_400_with_field_messages(tree, actors, api):
    response = api(actors.grid_worker).get("/api/v1/locate", {"lat": "north", "lng": 200, "crs": "bd09"})
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {"lat", "lng", "crs"}


def test_locate_outside_every_grid_answers_404(tree, actors, api):
    response = api(actors.grid_worker).get("/api/v1/locate", {"lat": 30.0, "lng": 120.0})
    assert response.status_code == 404
    assert response.json()["message"] == "该位置不在任何网格内，超出了平台覆盖范围。" == str(POINT_OUTSIDE_GRIDS)


def test_api_messages_follow_accept_language(tree, actors, api):
    response = api(actors.grid_worker).get(
        "/api/v1/locate", {"lat": 30.0, "lng": 120.0}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["message"] == "No grid contains this point; it lies outside the area the platform covers."


def test_api_requires_authentication(tree):
    response = APIClient().get("/api/v1/locate", {"lat": 23.005, "lng": 113.705})
    assert response.status_code == 401


def test_token_is_issued_for_valid_credentials_and_works(tree, actors):
    from ..factories import TEST_PASSWORD

    client = APIClient()
    bad = client.post("/api/v1/auth/token/", {"username": actors.grid_worker.username, "password": "wrong"})
    assert bad.status_code == 400
    token = client.post(
        "/api/v1/auth/token/", {"username": actors.grid_worker.username, "password": TEST_PASSWORD}
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/locate", {"lat": 23.005, "lng": 113.705}).status_code == 200


def test_area_list_is_geojson_filtered_by_level_parent_and_bbox(tree, actors, api):
    client = api(actors.admin)
    grids = client.get("/api/v1/areas/", {"level": "grid"}).json()
    assert grids["type"] == "FeatureCollection"
    assert [f["id"] for f in grids["features"]] == [g.code for g in tree.grids]
    assert grids["features"][0]["geometry"]["type"] == "MultiPolygon"
    under = client.get("/api/v1/areas/", {"level": "grid", "parent": tree.east_community.code}).json()
    assert [f["id"] for f in under["features"]] == [tree.grids[2].code, tree.grids[3].code]
    boxed = client.get("/api/v1/areas/", {"level": "grid", "in_bbox": "113.701,23.001,113.709,23.009"}).json()
    assert [f["id"] for f in boxed["features"]] == [tree.grids[0].code]


def test_area_list_is_limited_to_the_callers_scope(tree, actors, api):
    features = api(actors.outsider).get("/api/v1/areas/", {"level": "grid"}).json()["features"]
    assert [f["id"] for f in features] == [tree.grids[2].code, tree.grids[3].code]


def test_area_list_refuses_an_unknown_level(tree, actors, api):
    response = api(actors.admin).get("/api/v1/areas/", {"level": "country"})
    assert response.status_code == 400
    assert "level" in response.json()["extra"]["fields"]


def test_area_detail_shows_staff_and_refuses_outsiders(tree, actors, api):
    from grids.statistics import area_statistics_refresh

    area_statistics_refresh()
    mine = api(actors.street_coordinator).get(f"/api/v1/areas/{tree.grids[0].code}/")
    assert mine.status_code == 200
    assert mine.json()["members"] == [{"name": "王网格", "kind": "full_time", "kind_display": "全职网格员"}]
    assert mine.json()["statistics"]["worker_count"] == 1
    refused = api(actors.outsider).get(f"/api/v1/areas/{tree.grids[0].code}/")
    unknown = api(actors.admin).get("/api/v1/areas/441999999/")
    assert refused.status_code == unknown.status_code == 404  # another street's grid is not there for them
    assert refused.json() == unknown.json()


# A NUL byte, a letter, a length no level has (7 and 16 digits), another script's digits, a path.
NOT_AREA_CODES = ["%00", "44190x", "4419011", "4419010010010011", "%D9%A4%D9%A4%D9%A1%D9%A9%D9%A0%D9%A1", "..%2F"]


@pytest.mark.parametrize("code", NOT_AREA_CODES)
def test_a_path_with_no_area_code_matches_no_url(tree, actors, api, client, code):
    """What is not an area code never reaches a view (whose 404 says "no such area"): the URL matches
    nothing, answered in the API's error shape under /api/, with the 404 page elsewhere."""
    unmatched = {"message": str(NotFound.default_detail), "extra": {}}
    for path in (f"/api/v1/areas/{code}/", f"/api/v1/dashboard/areas/{code}/trend/",
                 f"/api/v1/hotline/rates/areas/{code}/"):
        answer = api(actors.street_coordinator).get(path)
        assert (answer.status_code, answer.json()) == (404, unmatched), path
    client.force_login(actors.street_coordinator)
    page = client.get(f"/dashboard/{code}/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_openapi_schema_and_swagger_ui_are_served(db, client, actors):
    client.force_login(actors.street_coordinator)  # for logged-in staff only (tests/govportal/test_openapi.py)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/locate" in schema.content
    assert b"/api/v1/areas/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
