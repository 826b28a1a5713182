"""A bounded schemathesis run over the whole API, as a street coordinator: no answer is a server error, every
status is one the OpenAPI document lists for the operation, and every answer has the shape it describes.

Every operation of the document is run, none left out: each gets a few examples (FUZZ_EXAMPLES, positive
and negative data), derandomized so that a run is the same on every machine, in its own test and its own
transaction of the test database, where the writes it makes are thrown away. Half of the generated
requests name objects that exist (FOOTHOLDS: the coordinator's street, one of its work orders and hotline
calls, a category, a point in a grid), so the fuzzing reaches the checks behind the lookups instead of
stopping at their 404. The coordinator sees no mediation case: those operations answer 403 or 404, as
they must, before reading their input.

Schemathesis' coverage phase (boundary values of every parameter, wrong types, missing fields) is off:
it multiplies the number of requests by about ten, and `make test` must stay quick (this module runs in
about a minute, the test database's creation included). A one-off run with it (60 examples an operation,
17 minutes) found only a 415 that the document now lists.
"""

import json
import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from grids.selectors import grid_locate
from hotline import services as hotline_services
from incidents.models import Ticket
from incidents.services import ticket_create, ticket_route
from tests.hotline.conftest import WEST_POINT, operator  # noqa: F401  (a fixture)

pytestmark = pytest.mark.dated  # the default periods, the deadlines of the tickets it makes: also on the chosen days

# Examples an operation; FUZZ_EXAMPLES=60 in the environment for a longer run. The dated passes of
# `make test` (scripts/test.sh) take 3: they are there for the dates, the main pass for the inputs.
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 10))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

# The document as /api/schema/ serves it (test_the_fuzzed_document_is_the_one_served), generated at collection:
# the parametrization needs it before any database exists, and loading it from a fixture instead
# (schemathesis.pytest.from_fixture) fails under pytest 9, whose test items no longer have `_nodeid`.
OPENAPI = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
schema = schemathesis.openapi.from_dict(OPENAPI, config=schemathesis.Config.from_dict({
    "generation": {"deterministic": True, "max-examples": FUZZ_EXAMPLES},
    "phases": {"coverage": {"enabled": False}},
}))
APP = WSGIHandler()

# Field or parameter name → a value naming what the `world` fixture made for the running test.
FOOTHOLDS = {}


def _with_footholds(value):
    """Return a generated query, path or body with every field named in FOOTHOLDS given its value there."""
    if isinstance(value, dict):
        return {name: FOOTHOLDS[name] if name in FOOTHOLDS else _with_footholds(item) for name, item in value.items()}
    if isinstance(value, list):
        return [_with_footholds(item) for item in value]
    return value


def _half_with_footholds(context, value):
    return st.sampled_from([value, _with_footholds(value)]) if value else st.just(value)


for _hook in ("flatmap_path_parameters", "flatmap_query", "flatmap_body"):
    schema.hook(_hook)(_half_with_footholds)


@pytest.fixture
def world(tree, actors, catalogue, operator):  # noqa: F811
    """A routed work order and a hotline call in the coordinator's street, named in FOOTHOLDS for one test."""
    ticket, _ = ticket_create(source=Ticket.Source.GRID_WORKER, category=catalogue["0102"], description="楼道堆放杂物",
                              location=WEST_POINT, reporter=actors.grid_worker)
    ticket_route(ticket_id=ticket.pk)
    call = hotline_services.call_dispatch(
        operator=operator, caller_phone="13812341234", caller_name="张先生", request_type="complaint",
        content="小区门口路灯不亮", address="西街道1号", location=WEST_POINT, place=grid_locate(WEST_POINT),
        category=catalogue["0201"], urgency="", confidential=False, started_at=timezone.now())
    street = tree.west_street.code
    FOOTHOLDS.update(code=street, area=street, ticket_id=ticket.pk, ticket=ticket.pk, call_id=call.pk,
                     category="0102", unit=actors.department_handler.unit.code,
                     lat=WEST_POINT.y, lng=WEST_POINT.x, crs="wgs84")
    yield
    FOOTHOLDS.clear()


@pytest.fixture
def coordinator_token(actors):
    """Return a function issuing a new API token of the street coordinator.

    A token a request: the log-out operations revoke the caller's tokens, the one sent or all of them.
    """
    return lambda: AuthToken.objects.create(user=actors.street_coordinator)[1]


@pytest.fixture
def connection_kept():
    """Keep the test's database connection through the WSGI requests, as Django's test client does: each
    request's start and end would close it, and with it the transaction the test runs in."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# The examples of one operation share its test's fixtures and database state, on purpose.
@schema.parametrize()
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_the_api_answers_every_request_as_documented(case, world, coordinator_token, connection_kept):
    case.call_and_validate(app=APP, headers={"Authorization": f"Token {coordinator_token()}"}, checks=CHECKS)


def test_the_fuzzed_document_is_the_one_served(api, actors):
    served = api(actors.street_coordinator).get("/api/schema/", {"format": "json"})
    assert served.status_code == 200 and served.json() == OPENAPI
