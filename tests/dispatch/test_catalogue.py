"""派单目录: routing reads the dispatch catalogue, the most specific line in force wins, lines are never
overwritten; 首接负责: without a unit, the district government takes the order."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import HandlingUnit
from dispatch.models import CoHandler, DispatchEntry
from dispatch.services import EntryClosed, catalogue_entry_close, catalogue_entry_create, catalogue_entry_revise
from incidents.models import Notification, RoutingRequest, Ticket
from incidents.routing import tickets_route
from incidents.services import FIRST_RECEIVER_KEEPS, ticket_create, ticket_return
from govportal.errors import DomainConflict

from .conftest import EAST_POINT, WEST_POINT

pytestmark = pytest.mark.dated  # "today" read from the clock: also on the chosen days


def create(catalogue, actors, code, point=WEST_POINT):
    ticket, _ = ticket_create(source=Ticket.Source.GRID_WORKER, category=catalogue[code], description="井盖缺失",
                              location=point, reporter=actors.grid_worker)
    return ticket


def routed(ticket):
    tickets_route(ticket_ids=[ticket.pk])
    return Ticket.objects.select_related("handling_unit").get(pk=ticket.pk)


def test_dispatch_catalogue_the_most_specific_line_in_force_wins(catalogue, actors, tree, units):
    major, minor = catalogue["02"], catalogue["0202"]
    catalogue_entry_create(category=major, lead_unit=units["housing"])  # everywhere, the major class
    catalogue_entry_create(category=minor, area=tree.city, lead_unit=units["ecology"])
    catalogue_entry_create(category=major, area=tree.west_street, lead_unit=units["government"])
    catalogue_entry_create(category=minor, area=tree.west_street, lead_unit=units["urban"])

    # West: the street's lines beat the city's; at the street, the minor category beats its major.
    assert routed(create(catalogue, actors, "0202")).handling_unit == units["urban"]
    # East: no street line; the city's line for the minor category beats "everywhere".
    assert routed(create(catalogue, actors, "0202", EAST_POINT)).handling_unit == units["ecology"]
    # Another minor of the major class: the west street's major line.
    assert routed(create(catalogue, actors, "0204")).handling_unit == units["government"]
    # A category the catalogue does not name keeps the category's own first level.
    assert routed(create(catalogue, actors, "0102")).handling_unit == actors.community_staff.unit


def test_dispatch_catalogue_a_change_closes_the_line_and_opens_its_successor(catalogue, actors, units, anchored):
    line = catalogue_entry_create(category=catalogue["0202"], lead_unit=units["housing"], note="初始目录")
    anchored.shift(timedelta(hours=1))
    successor = catalogue_entry_revise(entry_id=line.pk, actor=actors.admin, note="职责调整",
                                       lead_unit=units["ecology"], co_units=[units["urban"]])

    line.refresh_from_db()
    assert line.valid_to == successor.valid_from == timezone.now() and line.closed_by == actors.admin
    assert line.lead_unit == units["housing"]  # the old row is history, never overwritten
    assert successor.supersedes == line and successor.created_by == actors.admin
    assert list(DispatchEntry.objects.in_force()) == [successor]
    ticket = routed(create(catalogue, actors, "0202"))
    assert ticket.handling_unit == units["ecology"]
    assert list(ticket.co_handlers.values_list("unit", flat=True)) == [units["urban"].pk]
    with pytest.raises(EntryClosed):
        catalogue_entry_close(entry_id=line.pk, actor=actors.admin)


def test_dispatch_catalogue_a_line_applies_only_within_its_validity(catalogue, actors, units):
    now = timezone.now()
    catalogue_entry_create(category=catalogue["0202"], lead_unit=units["housing"], valid_from=now + timedelta(days=1))
    catalogue_entry_create(category=catalogue["0202"], lead_unit=units["ecology"],
                           valid_from=now - timedelta(days=10), valid_to=now - timedelta(days=1))
    assert routed(create(catalogue, actors, "0202")).handling_unit == units["water"]  # the category's department


def test_dispatch_catalogue_co_handlers_get_their_own_deadlines_and_a_notice(catalogue, actors, units):
    catalogue_entry_create(category=catalogue["0202"], lead_unit=units["water"],
                           co_units=[units["urban"], units["housing"], units["water"]])
    ticket = routed(create(catalogue, actors, "0202"))

    co_handlers = list(CoHandler.objects.filter(ticket=ticket).order_by("unit__name"))
    assert {co.unit for co in co_handlers} == {units["urban"], units["housing"]}  # the lead is not its own co-handler
    assert all(co.sign_due_at == ticket.due_at and co.feedback_due_at > co.sign_due_at for co in co_handlers)
    assert set(Notification.objects.filter(kind="co_assign").values_list("unit", flat=True)) == {
        units["urban"].pk, units["housing"].pk}


def test_dispatch_catalogue_routing_stays_set_based(catalogue, actors, units):
    catalogue_entry_create(category=catalogue["02"], lead_unit=units["water"], co_units=[units["urban"]])

    def queries_to_route(count):
        for _ in range(count):
            create(catalogue, actors, "0202")
        with CaptureQueriesContext(connection) as captured:
            assert tickets_route() == count
        return len(captured)

    assert queries_to_route(2) == queries_to_route(12)


def test_first_receiver_the_district_government_takes_an_order_no_unit_serves(catalogue, actors, units):
    # 井盖 (water department first): no water department and no street office serve the west.
    HandlingUnit.objects.filter(pk__in=[units["water"].pk, units["west_office"].pk]).update(is_active=False)
    ticket = routed(create(catalogue, actors, "0202"))

    assert ticket.handling_unit == units["government"]
    assert (ticket.status, ticket.due_kind) == (Ticket.Status.DISPATCHED, Ticket.DueKind.SIGN)
    assert RoutingRequest.objects.get(pk=ticket.pk).error == ""
    with pytest.raises(DomainConflict, match=str(FIRST_RECEIVER_KEEPS)[:20]):
        ticket_return(ticket_id=ticket.pk, actor=units["government_handler"], reason_code="not_our_duty",
                      reason="不归我们管")
