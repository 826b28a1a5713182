import uuid

import pytest
from django.contrib.gis.geos import Point

from incidents.models import Ticket
from incidents.services import ticket_create, ticket_route
from tests.factories import TicketFactory

from .sms import listen_for_sms, sent_code

# Inside the west street's first grid (tests/factories.py).
WEST_POINT = Point(113.705, 23.005, srid=4326)
EAST_POINT = Point(113.735, 23.005, srid=4326)


@pytest.fixture
def report(catalogue, actors):
    """Return a function creating and routing a grid worker's report."""

    def make(code="0102", point=WEST_POINT, reporter=None, **kwargs):
        ticket, _ = ticket_create(
            source=Ticket.Source.GRID_WORKER, category=catalogue[code], description="楼道堆放杂物",
            location=point, reporter=reporter or actors.grid_worker, **kwargs,
        )
        return ticket_route(ticket_id=ticket.pk)

    return make


@pytest.fixture
def bulk_tickets(catalogue, tree, actors):
    """Return a function writing `count` rows of the grid worker's reports in the west street's first grid
    in one statement (no routing, no events): long lists without the cost of the workflow."""

    def make(count, **fields):
        grid = tree.grids[0]
        values = {"category": catalogue["0102"], "reporter": actors.grid_worker,
                  "handling_unit": actors.community_staff.unit, "grid": grid, "community": tree.west_community,
                  "street": tree.west_street, "district": tree.district, "area_code": grid.code}
        return Ticket.objects.bulk_create(TicketFactory.build_batch(count, **values | fields))

    return make


@pytest.fixture
def sms_code(client, caplog):
    """Return a function asking /report/code/ for a code for `phone` and returning the code the SMS carried."""
    listen_for_sms(caplog)

    def ask(phone, address="127.0.0.1"):
        response = client.post("/report/code/", {"phone": phone}, REMOTE_ADDR=address)
        assert response.status_code == 200, response.content.decode()
        return sent_code(caplog)

    return ask


@pytest.fixture
def fresh_rate_limits(settings):
    """Count the citizen report's hourly limits afresh in this test: the cache is the real Redis,
    shared by every test of the run, and all of them report from 127.0.0.1."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}
