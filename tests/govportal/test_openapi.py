import jsonschema_rs
import pytest
from django.core.management import call_command

from deliberation import api as deliberation_api
from deliberation import services as deliberation_services
from hotline import api as hotline_api
from hotline import services as hotline_services
from incidents import api as incidents_api
from incidents import services as incidents_services
from mediation import api as mediation_api
from mediation import services as mediation_services

ACTION_APIS = [
    ("/api/v1/tickets/{ticket_id}/", incidents_services.ACTION_SERVICES, incidents_api.ACTION_INPUTS),
    ("/api/v1/mediation/cases/{case_id}/", mediation_services.ACTION_SERVICES, mediation_api.ACTION_INPUTS),
    ("/api/v1/hotline/tickets/{ticket_id}/", hotline_services.ACTION_SERVICES, hotline_api.ACTION_INPUTS),
    ("/api/v1/deliberation/topics/{topic_id}/", deliberation_services.ACTION_SERVICES, deliberation_api.ACTION_INPUTS),
]


def test_openapi_schema_generates_without_warnings(db, tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/tickets/{ticket_id}/dispatch/" in text and "/api/v1/locate" in text


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    from rest_framework.test import APIClient

    from accounts.models import User

    with django_db_blocker.unblock():
        client = APIClient()
        client.force_authenticate(User(pk=1, username="reader", is_superuser=True))  # staff only (README)
        return client.get("/api/schema/", {"format": "json"}).json()


def request_fields(schema, operation):
    """Return the field names of an operation's JSON request body (None: it takes no body)."""
    body = operation.get("requestBody")
    if body is None:
        return None
    ref = body["content"]["application/json"]["schema"]["$ref"]
    return set(schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"])


@pytest.mark.parametrize("prefix, services, inputs", ACTION_APIS, ids=["tickets", "mediation", "hotline", "deliberation"])
def test_each_action_has_its_own_operation_with_exactly_its_fields(schema, prefix, services, inputs):
    operation_ids = set()
    for action in services:
        operation = schema["paths"][f"{prefix}{action.replace('_', '-')}/"]["post"]
        operation_ids.add(operation["operationId"])
        expected = set(inputs[action]().fields) if action in inputs else None
        assert request_fields(schema, operation) == expected, action
        assert {"200", "400", "403", "404", "409"} <= set(operation["responses"]), action
    assert len(operation_ids) == len(services)


def test_dispatch_takes_a_unit_and_accept_takes_nothing(schema):
    paths = schema["paths"]
    assert request_fields(schema, paths["/api/v1/tickets/{ticket_id}/dispatch/"]["post"]) == {"unit", "reason"}
    assert request_fields(schema, paths["/api/v1/tickets/{ticket_id}/accept/"]["post"]) is None
    assert "reason_code" not in request_fields(schema, paths["/api/v1/tickets/{ticket_id}/handle/"]["post"])


def test_no_operation_takes_a_phone_number_in_its_query_string(schema):
    """Query strings land in access logs: the intake hints take the caller's number in a POST body."""
    hints = schema["paths"]["/api/v1/hotline/hints/"]
    assert set(hints) == {"post"} and "phone" in request_fields(schema, hints["post"])
    in_queries = [(path, parameter["name"]) for path, operations in schema["paths"].items()
                  for operation in operations.values() for parameter in operation.get("parameters", [])
                  if parameter["in"] == "query" and "phone" in parameter["name"]]
    assert in_queries == []
def test_the_schema_and_its_ui_are_for_logged_in_staff_only(db, client, actors):
    anonymous = client.get("/api/schema/")
    assert anonymous.status_code == 401 and b"/api/v1/" not in anonymous.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"].startswith("/login/")
    client.force_login(actors.grid_worker)
    assert client.get("/api/schema/").status_code == 200
    assert b"swagger-ui" in client.get("/api/docs/").content


def json_schema(schema, name):
    """Return the component `name` of the OpenAPI document as a JSON Schema validator (`nullable` as null)."""
    def convert(node):
        if isinstance(node, list):
            return [convert(item) for item in node]
        if not isinstance(node, dict):
            return node
        node = {key: convert(value) for key, value in node.items()}
        if node.pop("nullable", False):
            return {"anyOf": [node, {"type": "null"}]}
        return node

    return jsonschema_rs.validator_for(
        {"$ref": f"#/components/schemas/{name}", "components": convert(schema["components"])})


def test_the_schema_describes_the_areas_and_the_catalogue_as_answered(schema, actors, catalogue, api):
    paths = schema["paths"]
    page = paths["/api/v1/areas/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    categories = paths["/api/v1/categories/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    client = api(actors.street_coordinator)
    areas = client.get("/api/v1/areas/").json()
    assert areas["type"] == "FeatureCollection" and areas["features"] and "results" not in areas
    for answer, described in ((areas, page), (client.get("/api/v1/categories/").json(), categories)):
        validator = json_schema(schema, (described.get("$ref") or described["items"]["$ref"]).rsplit("/", 1)[1])
        for item in answer if isinstance(answer, list) else [answer]:
            assert validator.is_valid(item), [str(error) for error in validator.iter_errors(item)][:3]
    city = api(actors.admin).get("/api/v1/areas/", {"level": "city"}).json()
    assert city["features"][0]["properties"]["parent"] is None
    assert json_schema(schema, page["$ref"].rsplit("/", 1)[1]).is_valid(city)


def operations(schema):
    """Yield (method, path, operation) of every operation of the OpenAPI document."""
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def test_every_operation_lists_the_errors_its_input_log_in_and_path_imply(schema):
    for method, path, operation in operations(schema):
        codes = set(operation["responses"])
        where = {parameter["in"] for parameter in operation.get("parameters", [])}
        if "requestBody" in operation:
            assert {"400", "415"} <= codes, (method, path)
        if where - {"path"}:
            assert "400" in codes, (method, path)
        if "path" in where:
            assert "404" in codes, (method, path)
        assert ("401" in codes) == (path != "/api/v1/auth/token/"), (method, path)  # the log-in needs none
        if method == "POST" and {"cookieAuth": []} in operation["security"]:
            assert "403" in codes, (method, path)  # a session's POST without its CSRF token


def test_every_error_answer_has_the_one_error_shape(schema):
    error = {"$ref": "#/components/schemas/Error"}
    for method, path, operation in operations(schema):
        for code, response in operation["responses"].items():
            if int(code) >= 400:
                assert response["content"] == {"application/json": {"schema": error}}, (method, path, code)
                assert response["description"], (method, path, code)
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"message", "extra"}


def test_refusals_only_a_view_knows_of_are_listed_as_they_occur(schema):
    paths = schema["paths"]
    assert "403" in paths["/api/v1/hotline/addresses/"]["get"]["responses"]  # operators only
    assert "404" in paths["/api/v1/mediation/referrals/"]["post"]["responses"]  # no such work order
    assert "429" in paths["/api/v1/auth/token/"]["post"]["responses"]  # locked after failed log-ins
    for path in ("/api/v1/tickets/", "/api/v1/tickets/batch/", "/api/v1/hotline/calls/"):
        assert "409" in paths[path]["post"]["responses"], path  # an idempotency key sent with another request
    for path in ("/api/v1/tickets/{ticket_id}/", "/api/v1/mediation/cases/{case_id}/"):
        assert "403" not in paths[path]["get"]["responses"], path  # outside the scope is a 404


def test_error_answers_validate_against_the_documented_shape(schema, actors, api):
    validator = json_schema(schema, "Error")
    client = api(actors.street_coordinator)
    answers = [
        api(None).get("/api/v1/categories/"),  # 401
        client.get("/api/v1/locate", {"lat": "north"}),  # 400 with field messages
        client.get("/api/v1/tickets/999999/"),  # 404 from the view
        client.get("/api/v1/no-such-thing/"),  # 404 from no URL at all
        client.post("/api/v1/hotline/hints/", {}, format="json"),  # 403: operators only
        client.post("/api/v1/tickets/", "<xml/>", content_type="application/xml"),  # 415
    ]
    assert [answer.status_code for answer in answers] == [401, 400, 404, 404, 403, 415]
    for answer in answers:
        assert validator.is_valid(answer.json()), answer.json()
    assert answers[1].json()["extra"]["fields"].keys() >= {"lat", "lng"}
