from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from incidents import services
from incidents.models import Notification, RoutingRequest, Ticket, TicketEvent
from incidents.sweeps import overdue_escalate, pending_routing_resend

from tests.concurrency import run_at_once

pytestmark = pytest.mark.dated

CST = ZoneInfo("Asia/Shanghai")
MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=CST)


def test_missed_accept_deadline_moves_the_ticket_up_once(report, actors):
    with time_machine.travel(MONDAY_9AM, tick=False):
        ticket = report()
    later = MONDAY_9AM + timedelta(hours=3)
    assert overdue_escalate(now=later) == {"escalated": 1, "marked_overdue": 0}
    ticket.refresh_from_db()
    assert (ticket.status, ticket.handling_unit, ticket.overdue_count) == (
        Ticket.Status.ACCEPTED, actors.street_coordinator.unit, 1)
    assert ticket.due_kind == "handle" and ticket.due_at > later
    event = ticket.events.last()
    assert (event.action, event.actor, event.reason_code) == ("overdue_escalate", None, "accept")
    digests = Notification.objects.filter(digest_ticket_ids=[ticket.pk])  # one digest per unit and kind
    assert set(digests.values_list("unit", "kind")) == {
        (actors.community_staff.unit_id, "overdue"), (actors.street_coordinator.unit_id, "escalated")}
    assert overdue_escalate(now=later) == {"escalated": 0, "marked_overdue": 0}


def test_overdue_is_kept_after_the_ticket_is_done(report, actors):
    with time_machine.travel(MONDAY_9AM, tick=False):
        ticket = report()
    overdue_escalate(now=MONDAY_9AM + timedelta(hours=3))
    services.ticket_handle(ticket_id=ticket.pk, actor=actors.street_coordinator, feedback="已处理")
    assert Ticket.objects.get(pk=ticket.pk).is_overdue


def test_missed_verification_is_only_marked(report, actors):
    with time_machine.travel(MONDAY_9AM, tick=False):
        ticket = report()
        services.ticket_accept(ticket_id=ticket.pk, actor=actors.community_staff)
        services.ticket_handle(ticket_id=ticket.pk, actor=actors.community_staff, feedback="已处理")
    assert overdue_escalate(now=MONDAY_9AM + timedelta(days=3)) == {"escalated": 0, "marked_overdue": 1}
    ticket.refresh_from_db()
    assert (ticket.status, ticket.due_at, ticket.overdue_count) == (Ticket.Status.HANDLED, None, 1)


def test_the_top_of_the_chain_is_only_marked(report, actors):
    with time_machine.travel(MONDAY_9AM, tick=False):
        ticket = report()
    for days in (1, 5, 10):  # community → street → command centre → stays
        overdue_escalate(now=MONDAY_9AM + timedelta(days=days))
    ticket.refresh_from_db()
    assert ticket.handling_unit.kind == "command_centre"
    assert ticket.overdue_count == 3 and ticket.due_at is None


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweepers_escalate_each_ticket_exactly_once(tree, actors, catalogue):
    from .conftest import WEST_POINT

    with time_machine.travel(MONDAY_9AM, tick=False):
        for _ in range(60):
            ticket, _ = services.ticket_create(source=Ticket.Source.GRID_WORKER, category=catalogue["0102"],
                                               description="杂物", location=WEST_POINT, reporter=actors.grid_worker)
            services.ticket_route(ticket_id=ticket.pk)
    results = run_at_once(lambda: overdue_escalate(now=MONDAY_9AM + timedelta(hours=3), batch_size=7))
    assert sum(r["escalated"] for r in results) == 60
    assert TicketEvent.objects.filter(action="overdue_escalate").count() == 60
    assert set(Ticket.objects.values_list("overdue_count", flat=True)) == {1}


def test_pending_routing_is_resent_after_a_minute(catalogue, actors):
    from .conftest import WEST_POINT

    with time_machine.travel(MONDAY_9AM, tick=False):
        ticket, _ = services.ticket_create(source=Ticket.Source.GRID_WORKER, category=catalogue["0102"],
                                           description="杂物", location=WEST_POINT, reporter=actors.grid_worker)
    assert pending_routing_resend(now=MONDAY_9AM + timedelta(seconds=30)) == 0
    assert pending_routing_resend(now=MONDAY_9AM + timedelta(minutes=2)) == 1
    assert RoutingRequest.objects.get(pk=ticket.pk).attempts == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_sweep_escalates_each_ticket_once(tree, actors, catalogue):
    from incidents.sweeps import overdue_escalate_parallel

    from .conftest import WEST_POINT

    with time_machine.travel(MONDAY_9AM, tick=False):
        for _ in range(30):
            ticket, _ = services.ticket_create(source=Ticket.Source.GRID_WORKER, category=catalogue["0102"],
                                               description="杂物", location=WEST_POINT, reporter=actors.grid_worker)
            services.ticket_route(ticket_id=ticket.pk)
    result = overdue_escalate_parallel(now=MONDAY_9AM + timedelta(hours=3), workers=3)
    assert result == {"escalated": 30, "marked_overdue": 0}
    assert TicketEvent.objects.filter(action="overdue_escalate").count() == 30
