"""并单: duplicate open orders merged into one master order; the duplicates' calls and citizens are
the master's, replies and callbacks reach them all; unmerged with a reason."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from govportal.workflow import TransitionNotAllowed, WorkflowInputError
from hotline import selectors, services
from hotline.models import Reply
from incidents.merging import MASTER_IS_ITSELF, MASTER_UNKNOWN, merged_into, ticket_merge, ticket_unmerge
from incidents.models import Ticket, TicketMerge
from incidents.services import ticket_accept

from .conftest import close

pytestmark = pytest.mark.dated

CST = ZoneInfo("Asia/Shanghai")
MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=CST)


@pytest.fixture
def pair(dispatched, actors):
    """A master order the west community accepted and a duplicate call's order, both Monday 9:00."""
    with time_machine.travel(MONDAY_9AM, tick=False):
        master, duplicate = dispatched(), dispatched(caller_phone="13977776666")
        ticket_accept(ticket_id=master.ticket_id, actor=actors.community_staff)
        ticket_accept(ticket_id=duplicate.ticket_id, actor=actors.community_staff)
    return Ticket.objects.get(pk=master.ticket_id), Ticket.objects.get(pk=duplicate.ticket_id)


def merge(pair, operator):
    master, duplicate = pair
    with time_machine.travel(MONDAY_9AM.replace(hour=10), tick=False):
        return ticket_merge(ticket_id=duplicate.pk, actor=operator, master_number=master.number, reason="同一路灯")


def test_a_merged_duplicate_waits_with_its_clock_stopped_and_both_timelines_record_it(pair, operator):
    master, _ = pair
    duplicate = merge(pair, operator)
    assert duplicate.status == Ticket.Status.MERGED and duplicate.due_at is None and duplicate.paused_minutes_left
    assert list(merged_into(master)) == [duplicate]
    assert duplicate.events.get(action="merge").actor == operator
    assert master.events.get(action="merge_in").reason_code == duplicate.number
    assert duplicate.status not in Ticket.OPEN_STATUSES


def test_the_masters_calls_and_replies_reach_the_duplicate(pair, operator, actors, client):
    master, duplicate = merge(pair, operator).merges.get().master, pair[1]
    assert {call.ticket_id for call in selectors.call_list(user=operator, ticket=master)} == {master.pk, duplicate.pk}
    services.ticket_reply(ticket_id=master.pk, actor=actors.community_staff, content="已安排更换灯泡")
    assert set(Reply.objects.values_list("ticket_id", "content")) == {
        (master.pk, "已安排更换灯泡"), (duplicate.pk, "已安排更换灯泡")}
    client.force_login(operator)
    page = client.get(reverse("hotline-ticket", args=[master.pk])).content.decode()
    assert duplicate.number in page and "139****6666" in page


def test_the_duplicates_citizen_is_called_back_once_the_master_is_closed(pair, operator):
    master, duplicate = pair
    merge(pair, operator)
    with pytest.raises(TransitionNotAllowed):  # the master is not closed yet
        services.ticket_callback(ticket_id=duplicate.pk, actor=operator, reached=True, satisfaction="satisfied")
    close(master.pk)
    assert {t.pk for t in selectors.callbacks_awaiting(user=operator)} == {master.pk, duplicate.pk}
    rated = services.ticket_callback(ticket_id=duplicate.pk, actor=operator, reached=True, responded=True,
                                     solved=True, satisfaction="satisfied")
    assert rated.status == Ticket.Status.RATED
    assert {t.pk for t in selectors.callbacks_awaiting(user=operator)} == {master.pk}


def test_an_unmerged_duplicate_goes_back_with_the_time_it_had_left(pair, operator):
    master, duplicate = pair
    merge(pair, operator)
    with pytest.raises(WorkflowInputError):
        ticket_unmerge(ticket_id=duplicate.pk, actor=operator, reason=" ")
    with time_machine.travel(MONDAY_9AM.replace(hour=11), tick=False):
        back = ticket_unmerge(ticket_id=duplicate.pk, actor=operator, reason="经核实不是同一盏路灯")
    assert back.status == Ticket.Status.ACCEPTED and back.due_at is not None and back.paused_minutes_left is None
    merge_row = TicketMerge.objects.get()
    assert merge_row.unmerged_at is not None and merge_row.unmerge_reason == "经核实不是同一盏路灯"
    assert master.events.filter(action="unmerge_out").count() == 1 and not merged_into(master).exists()


def test_merging_needs_an_open_visible_master_another_order_and_an_operator(pair, operator, actors):
    master, duplicate = pair
    with pytest.raises(WorkflowInputError, match=str(MASTER_IS_ITSELF)):
        ticket_merge(ticket_id=duplicate.pk, actor=operator, master_number=duplicate.number, reason="重复")
    with pytest.raises(WorkflowInputError, match=str(MASTER_UNKNOWN)):
        ticket_merge(ticket_id=duplicate.pk, actor=operator, master_number="NO-SUCH", reason="重复")
    close(master.pk)
    with pytest.raises(WorkflowInputError, match=str(MASTER_UNKNOWN)):
        ticket_merge(ticket_id=duplicate.pk, actor=operator, master_number=master.number, reason="重复")
    Ticket.objects.filter(pk=master.pk).update(status=Ticket.Status.ACCEPTED)
    for user in (actors.community_staff, actors.leader):
        with pytest.raises(PermissionDenied):
            ticket_merge(ticket_id=duplicate.pk, actor=user, master_number=master.number, reason="重复")
    assert not TicketMerge.objects.exists()
