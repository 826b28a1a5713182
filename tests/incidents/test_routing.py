"""The batch router: many pending tickets in one run, a flat number of queries, coalesced wake-ups."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import HandlingUnit
from incidents.models import Notification, RoutingRequest, Ticket
from incidents.notifications import DELIVERY, notifications_deliver_pending
from incidents.routing import NOT_LOCATED, ROUTER, tickets_route, tickets_route_pending
from incidents.services import ticket_create

from tests.factories import HandlingUnitFactory

from .conftest import EAST_POINT, WEST_POINT

pytestmark = pytest.mark.dated


def create(catalogue, actors, code, point):
    ticket, _ = ticket_create(source=Ticket.Source.GRID_WORKER, category=catalogue[code], description="路灯不亮",
                              location=point, reporter=actors.grid_worker)
    return ticket


def test_one_run_routes_every_pending_ticket_to_its_first_unit(catalogue, actors, tree):
    community = [create(catalogue, actors, "0102", WEST_POINT) for _ in range(3)]
    east = create(catalogue, actors, "0102", EAST_POINT)
    water = create(catalogue, actors, "0202", WEST_POINT)  # 井盖: the district's water department first

    assert tickets_route_pending() == 5

    units = dict(Ticket.objects.values_list("pk", "handling_unit__name"))
    assert {units[t.pk] for t in community} == {actors.community_staff.unit.name}
    assert units[east.pk] == "东社区居委会"
    routed_water = Ticket.objects.get(pk=water.pk)
    assert (routed_water.status, routed_water.due_kind) == (Ticket.Status.DISPATCHED, "sign")
    assert routed_water.handling_unit.department == HandlingUnit.Department.WATER
    assert not RoutingRequest.objects.filter(routed_at__isnull=True).exists()
    assert Notification.objects.filter(kind="route").count() == 5
    assert tickets_route_pending() == 0  # nothing left: a second run is a no-op


def test_without_a_district_department_the_citys_takes_it(catalogue, actors, tree):
    HandlingUnit.objects.filter(department=HandlingUnit.Department.WATER).update(is_active=False)
    city_water = HandlingUnitFactory(area=tree.city, kind=HandlingUnit.Kind.DEPARTMENT, name="测试市水务局",
                                     department=HandlingUnit.Department.WATER)
    ticket = create(catalogue, actors, "0202", WEST_POINT)
    tickets_route()
    assert Ticket.objects.get(pk=ticket.pk).handling_unit == city_water


def test_the_queries_of_a_batch_do_not_grow_with_its_size(catalogue, actors):
    def queries_to_route(count):
        for _ in range(count):
            create(catalogue, actors, "0102", WEST_POINT)
        with CaptureQueriesContext(connection) as captured:
            assert tickets_route() == count
        return len(captured)

    assert queries_to_route(2) == queries_to_route(12)


def test_a_ticket_without_a_grid_keeps_its_reason_and_is_not_claimed_again(catalogue, actors):
    ticket = create(catalogue, actors, "0102", WEST_POINT)
    Ticket.objects.filter(pk=ticket.pk).update(grid=None)
    assert tickets_route() == 1
    assert RoutingRequest.objects.get(pk=ticket.pk).error == str(NOT_LOCATED)
    assert tickets_route() == 0


def test_wake_ups_coalesce_until_a_run_starts(catalogue, actors, django_capture_on_commit_callbacks):
    assert ROUTER.send() is True
    assert ROUTER.send() is False  # a second ticket finds a run already queued
    tickets_route_pending()  # the run starts: the next ticket queues another
    with django_capture_on_commit_callbacks(execute=True):
        create(catalogue, actors, "0102", WEST_POINT)
    assert cache.get(ROUTER.flag) == 1


def test_a_run_claims_batch_after_batch_while_they_come_full(catalogue, actors):
    for _ in range(5):
        create(catalogue, actors, "0102", WEST_POINT)
    assert tickets_route_pending(batch=2) == 5  # 2 + 2 + 1: the short batch ends the run
    assert not RoutingRequest.objects.filter(routed_at__isnull=True).exists()


def test_a_routing_batch_sends_each_unit_one_message(catalogue, actors, django_capture_on_commit_callbacks):
    actors.community_staff.email = "community@example.org"
    actors.community_staff.save()
    tickets = [create(catalogue, actors, "0102", WEST_POINT) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        tickets_route_pending()
    assert cache.get(DELIVERY.flag) == 1  # one delivery run queued for the whole batch
    assert notifications_deliver_pending() == 3
    assert cache.get(DELIVERY.flag) is None
    to_community = [m for m in mail.outbox if m.to == ["community@example.org"]]
    assert len(to_community) == 1
    assert all(ticket.number in to_community[0].body for ticket in tickets)
