"""The set-based paths (the router and the sweep) write state changes in SQL: every one of them must
be a move the transition table allows, and every ticket's state must be the one its last event says
(the case sweep's own test: tests/mediation/test_sweeps.py)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from incidents.models import Ticket, TicketEvent
from incidents.services import ticket_accept, ticket_dispatch, ticket_sign, ticket_suspend
from incidents.sweeps import overdue_escalate
from incidents.workflow import TRANSITIONS

from .photos import jpeg

pytestmark = pytest.mark.dated

MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SET_BASED = ("route", "overdue_escalate", "overdue")


def assert_events_follow_the_table(events, table):
    moves = set(events.filter(action__in=SET_BASED).values_list("action", "from_status", "to_status"))
    assert moves, "the set-based paths wrote nothing"
    for action, from_status, to_status in moves:
        assert table[action].allows(from_status, to_status), (action, from_status, to_status)


def test_routing_and_the_sweep_write_only_moves_the_table_allows(report, actors, catalogue):
    from accounts.models import HandlingUnit

    with time_machine.travel(MONDAY_9AM, tick=False):
        for_community = report("0102")  # community first: stays reported
        for_department = report("0201")  # a department first: dispatched
        self_handled = report("0102", self_handled=True, feedback="已当场清理", photos=[jpeg()])  # to checking
        accepted = ticket_accept(ticket_id=report("0102").pk, actor=actors.community_staff)
        department = HandlingUnit.objects.get(department="urban_management")
        signed = report("0103")
        ticket_accept(ticket_id=signed.pk, actor=actors.street_coordinator)
        ticket_dispatch(ticket_id=signed.pk, actor=actors.street_coordinator, unit=department)
        ticket_sign(ticket_id=signed.pk, actor=actors.department_handler)
        suspended = ticket_accept(ticket_id=report("0102").pk, actor=actors.community_staff)
        ticket_suspend(ticket_id=suspended.pk, actor=actors.street_coordinator, reason="等待鉴定")
    assert {for_community.status, for_department.status, self_handled.status} == {"reported", "dispatched",
                                                                                  "handled"}
    for later in (timedelta(days=30), timedelta(days=60)):  # escalated, then at the top only marked
        overdue_escalate(now=MONDAY_9AM + later)
    assert_events_follow_the_table(TicketEvent.objects.all(), TRANSITIONS)
    assert set(TicketEvent.objects.values_list("action", flat=True)) >= set(SET_BASED)
    for ticket in Ticket.objects.all():
        assert ticket.status == ticket.events.last().to_status, ticket.number
    assert Ticket.objects.get(pk=accepted.pk).overdue_count >= 1
    assert Ticket.objects.get(pk=suspended.pk).status == "suspended"  # no clock while suspended

