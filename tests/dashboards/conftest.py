from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.gis.geos import Point

from accounts.models import HandlingUnit, User
from incidents.models import Ticket
from incidents.services import ticket_create, ticket_route
from tests.factories import UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday morning, working time (deadlines run in working hours).
START = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)
STAFF_ROLE = {
    HandlingUnit.Kind.COMMUNITY_COMMITTEE: User.Role.COMMUNITY_STAFF,
    HandlingUnit.Kind.STREET_OFFICE: User.Role.STREET_COORDINATOR,
    HandlingUnit.Kind.DEPARTMENT: User.Role.DEPARTMENT_HANDLER,
    HandlingUnit.Kind.COMMAND_CENTRE: User.Role.STREET_COORDINATOR,
}


@pytest.fixture
def staff(actors):
    """One member of staff per handling unit of the test tree (the east street's included)."""
    return {unit.pk: UserFactory(role=STAFF_ROLE[unit.kind], unit=unit) for unit in HandlingUnit.objects.all()}


def grid_point(grid):
    """Return the centre of `grid`'s box."""
    return Point(grid.geom.centroid.x, grid.geom.centroid.y, srid=4326)


@pytest.fixture
def report(catalogue, actors):
    """Return a function creating and routing a grid worker's report in a grid of the test tree."""

    def make(grid, code="0102", **kwargs):
        ticket, _ = ticket_create(source=Ticket.Source.GRID_WORKER, category=catalogue[code],
                                  description="楼道堆放杂物", location=grid_point(grid), reporter=actors.grid_worker,
                                  **kwargs)
        return ticket_route(ticket_id=ticket.pk)

    return make
