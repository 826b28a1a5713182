from datetime import timedelta

import pytest
import time_machine
from django.contrib.gis.geos import Point
from django.utils import timezone

from accounts.models import HandlingUnit, User
from hotline import services
from hotline.defaults import defaults_load
from hotline.models import CategoryKeyword, HotlineTimeLimit, RateWeights
from incidents.models import Category, Ticket
from incidents.services import ticket_route
from grids.selectors import grid_locate
from tests.factories import HandlingUnitFactory, UserFactory

# Inside the west street's first grid (tests/factories.py).
WEST_POINT = Point(113.705, 23.005, srid=4326)
EAST_POINT = Point(113.735, 23.005, srid=4326)


@pytest.fixture
def catalogue(catalogue):
    """The catalogue and calendar with the hotline's defaults (a transactional test may have wiped them)."""
    defaults_load(category_model=Category, time_limit_model=HotlineTimeLimit, keyword_model=CategoryKeyword,
                  weights_model=RateWeights)
    return catalogue


@pytest.fixture
def operator(tree):
    """A 12345 operator of the city's hotline centre."""
    centre = HandlingUnitFactory(area=tree.city, kind=HandlingUnit.Kind.HOTLINE_CENTRE, name="12345热线中心")
    return UserFactory(role=User.Role.HOTLINE_OPERATOR, unit=centre, last_name="刘话务")


@pytest.fixture
def call_fields():
    """Return a function giving the fields of a call at `point` (defaults: a complaint in the west)."""

    def fields(point=WEST_POINT, **overrides):
        values = {
            "caller_phone": "13812341234", "caller_name": "张先生", "request_type": "complaint",
            "content": "小区门口路灯不亮", "address": "西街道1号", "location": point,
            "place": grid_locate(point) if point else None, "category": None, "urgency": "",
            "confidential": False, "started_at": timezone.now(),
        }
        return {**values, **overrides}

    return fields


@pytest.fixture
def dispatched(catalogue, actors, operator, call_fields):
    """Return a function recording a call that becomes a routed hotline work order; returns the call."""

    def make(code="0102", point=WEST_POINT, **overrides):
        call = services.call_dispatch(operator=operator, **call_fields(point=point, category=catalogue[code],
                                                                       **overrides))
        ticket_route(ticket_id=call.ticket_id)
        call.ticket.refresh_from_db()
        return call

    return make


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
