import pytest
from django.core.management import call_command

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
]


def test_openapi_schema_generates_without_warnings(db, tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/tickets/{ticket_id}/dispatch/" in text and "/api/v1/locate" in text


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        return APIClient().get("/api/schema/", {"format": "json"}).json()


def request_fields(schema, operation):
    """Return the field names of an operation's JSON request body (None: it takes no body)."""
    body = operation.get("requestBody")
    if body is None:
        return None
    ref = body["content"]["application/json"]["schema"]["$ref"]
    return set(schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"])


@pytest.mark.parametrize("prefix, services, inputs", ACTION_APIS, ids=["tickets", "mediation", "hotline"])
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
