import pytest
from django.urls import reverse

from accounts.models import User
from components.fields import UNKNOWN_COMPONENT
from components.models import BAD_CODE, Component
from dashboards.layers import LAYER_NOT_ALLOWED, MapLayer, map_layer_register, map_layer_unregister

from .conftest import EAST_POINT, WEST_POINT


@pytest.fixture
def components(component, water):
    return [component(sequence=1), component(sequence=2, kind="0306", state=Component.State.DAMAGED),
            component(sequence=3, point=EAST_POINT, owner=water)]


def test_the_list_holds_what_lies_in_the_callers_scope(api, actors, components):
    ours = api(actors.street_coordinator).get(reverse("api:component-list")).json()["results"]
    assert [row["code"] for row in ours] == ["4419010105000001", "4419010306000002"]
    assert ours[1] | {"lat": 0, "lng": 0} == {
        "code": "4419010306000002", "name": "", "kind": "0306", "kind_name": "垃圾箱", "major": "03",
        "major_name": "市容环境", "state": "damaged", "state_display": "损坏", "owner_unit": components[1].owner_unit.code,
        "owner_unit_name": "测试区城管局", "address": "", "grid": components[1].area_code, "lat": 0, "lng": 0}
    damaged = api(actors.leader).get(reverse("api:component-list"), {"state": "damaged", "major": "03"}).json()
    assert [row["code"] for row in damaged["results"]] == ["4419010306000002"]
    outsider = api(actors.outsider)
    assert [row["code"] for row in outsider.get(reverse("api:component-list")).json()["results"]] == [
        "4419010105000003"]
    assert outsider.get(reverse("api:component-detail", args=["4419010105000001"])).status_code == 404
    assert api(actors.leader).get(reverse("api:component-detail", args=["4419010105000001"])).json()["kind_name"] \
        == "电力井盖"


def test_the_kinds_are_the_seeded_catalogue(api, actors):
    kinds = api(actors.grid_worker).get(reverse("api:component-kinds")).json()
    assert {"code": "0210", "name": "交通信号灯", "major": "02", "major_name": "道路交通"} in kinds
    assert {kind["major"] for kind in kinds} == {"01", "02", "03", "04", "05", "06"}


def test_the_map_layer_gives_geojson_of_an_area_in_scope_to_the_roles_that_see_it(api, actors, tree, components):
    url = reverse("api:component-map")
    layer = api(actors.community_staff).get(url, {"area": tree.west_community.code}).json()
    assert layer["type"] == "FeatureCollection"
    assert [(f["properties"]["code"], f["properties"]["state"], f["geometry"]["coordinates"]) for f in
            layer["features"]] == [("4419010105000001", "good", [WEST_POINT.x, WEST_POINT.y]),
                                   ("4419010306000002", "damaged", [WEST_POINT.x, WEST_POINT.y])]
    damaged = api(actors.leader).get(url, {"area": tree.west_street.code, "state": "damaged"}).json()
    assert [f["properties"]["code"] for f in damaged["features"]] == ["4419010306000002"]
    assert api(actors.community_staff).get(url, {"area": tree.east_community.code}).status_code == 404
    assert api(actors.leader).get(url, {"area": tree.district.code}).status_code == 404  # above the leader's street
    everything = api(actors.admin).get(url, {"area": tree.district.code}).json()["features"]
    assert [(f["properties"]["code"], f["properties"]["owner"]) for f in everything] == [
        ("4419010105000001", "测试区城管局"), ("4419010105000003", "测试区水务局"), ("4419010306000002", "测试区城管局")]
    assert api(actors.leader).get(url, {"area": tree.west_street.code, "state": "burnt"}).status_code == 400
    refused = api(actors.grid_worker).get(url, {"area": tree.grids[0].code})
    assert (refused.status_code, refused.json()["message"]) == (403, str(LAYER_NOT_ALLOWED))
    assert api(actors.department_handler).get(url, {"area": tree.district.code}).status_code == 403


def test_a_report_through_the_api_names_its_component_by_code(api, actors, catalogue, components, water):
    client = api(actors.grid_worker)
    body = {"category": "0202", "description": "井盖破损", "lat": WEST_POINT.y, "lng": WEST_POINT.x}
    created = client.post(reverse("api:ticket-list"), {**body, "component": "4419010105000001",
                                                       "component_damaged": True}, format="json")
    assert created.status_code == 201, created.content
    components[0].refresh_from_db()
    assert components[0].state == Component.State.DAMAGED
    assert client.post(reverse("api:ticket-list"), {**body, "component": ""}, format="json").status_code == 201
    unknown = client.post(reverse("api:ticket-list"), {**body, "component": "4419010105999999"}, format="json")
    assert unknown.json()["extra"]["fields"]["component"] == [str(UNKNOWN_COMPONENT % {"code": "4419010105999999"})]
    short = client.post(reverse("api:ticket-list"), {**body, "component": "44190101"}, format="json")
    assert short.json()["extra"]["fields"]["component"] == [str(BAD_CODE)]


def test_the_report_form_takes_a_component_code(client, actors, catalogue, components, urban_management):
    client.force_login(actors.grid_worker)
    form = {"category": "0202", "urgency": "ordinary", "description": "井盖破损", "lat": WEST_POINT.y,
            "lng": WEST_POINT.x, "idempotency_key": "form-component", "component": "4419010105999999"}
    refused = client.post(reverse("ticket-report"), form)
    assert str(UNKNOWN_COMPONENT % {"code": "4419010105999999"}) in refused.content.decode()
    assert client.post(reverse("ticket-report"), {**form, "component": "4419010105000001"}).status_code == 302
    ticket = components[0].ticket_links.get().ticket
    assert ticket.description == "井盖破损"
    page = client.get(reverse("ticket-detail", args=[ticket.pk])).content.decode()
    assert "电力井盖 4419010105000001" in page and urban_management.name in page


def test_the_schema_documents_the_component_endpoints_and_the_reports_code(api, actors):
    schema = api(actors.admin).get("/api/schema/", {"format": "json"}).json()
    assert {"/api/v1/components/", "/api/v1/components/{code}/", "/api/v1/components/kinds/",
            "/api/v1/components/map/"} <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"]["/api/v1/components/map/"]["get"]["parameters"]}
    assert {"area", "major", "state"} <= parameters
    assert {"component", "component_damaged"} <= set(schema["components"]["schemas"]["TicketCreateInput"]["properties"])


@pytest.fixture
def leaders_only_layer():
    layer = MapLayer(name="test_leaders_only", label="仅领导", endpoint="api:component-map", roles=(User.Role.LEADER,))
    map_layer_register(layer)
    yield layer
    map_layer_unregister(layer.name)


def test_the_map_page_offers_only_the_layers_the_role_may_see(client, actors, tree, leaders_only_layer):
    page = reverse("dashboard-map", args=[tree.west_street.code])
    client.force_login(actors.leader)
    offered = client.get(page).context["extra_layers"]
    layers = ["patrol_tracks", "components", "care_counts", "rental_houses"]
    assert [layer["name"] for layer in offered] == [*layers, "test_leaders_only"]
    assert offered[1]["url"] == reverse("api:component-map")
    client.force_login(actors.street_coordinator)
    assert [layer["name"] for layer in client.get(page).context["extra_layers"]] == layers
    assert 'value="test_leaders_only"' not in client.get(page).content.decode()
