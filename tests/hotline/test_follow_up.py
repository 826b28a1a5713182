"""After dispatch: 督办 (supervision), 答复 (reply), 回访 (callback) and 二次办理 (second handling),
each through the transition table with its event row; supervised orders are listed first."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hotline import selectors, services
from hotline.models import RECORD_IS_IMMUTABLE, RECORD_IS_PERMANENT, Callback, Reply
from incidents.models import Ticket
from incidents.selectors import ticket_board
from incidents.services import WorkflowInputError, ticket_accept, ticket_request_extension
from govportal.workflow import REASON_REQUIRED, TransitionNotAllowed
from incidents.worktime import deadline, working_day_minutes

pytestmark = pytest.mark.dated

CST = ZoneInfo("Asia/Shanghai")


def closed(ticket):
    """Put `ticket` in the closed state (test set-up only: the loop itself is tested in tests/incidents)."""
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.CLOSED, closed_at=timezone.now(), due_at=None,
                                               due_kind="")


def test_a_leader_supervises_and_the_order_comes_first_on_the_board(dispatched, actors):
    first, second = dispatched(), dispatched()
    ticket = services.ticket_supervise(ticket_id=second.ticket_id, actor=actors.leader, reason="群众反映强烈")
    assert ticket.supervised_at is not None and ticket.supervised_by == actors.leader
    event = ticket.events.get(action="supervise")
    assert (event.actor, event.reason, event.from_status, event.to_status) == (
        actors.leader, "群众反映强烈", ticket.status, ticket.status)
    board = list(ticket_board(user=actors.street_coordinator).values_list("pk", flat=True))
    assert board.index(second.ticket_id) < board.index(first.ticket_id)
    assert ticket.notifications.filter(kind="supervise", unit=ticket.handling_unit).exists()


def test_supervision_needs_a_reason_and_a_supervisor_in_scope(dispatched, actors):
    call = dispatched()
    with pytest.raises(WorkflowInputError, match=str(REASON_REQUIRED)):  # the work orders' one reason check
        services.ticket_supervise(ticket_id=call.ticket_id, actor=actors.leader, reason=" ")
    for user in (actors.outsider, actors.grid_worker, actors.department_handler):
        with pytest.raises(PermissionDenied):
            services.ticket_supervise(ticket_id=call.ticket_id, actor=user, reason="督办")
    assert not Ticket.objects.get(pk=call.ticket_id).supervised_at


@pytest.fixture
def accepted(dispatched, actors):
    """Return a function making a hotline order that the west community has accepted."""

    def make():
        call = dispatched()
        ticket_accept(ticket_id=call.ticket_id, actor=actors.community_staff)
        return call

    return make


def test_a_reply_before_the_limit_is_in_time(accepted, actors):
    call = accepted()
    services.ticket_reply(ticket_id=call.ticket_id, actor=actors.community_staff, content="已电话联系市民，明天清理")
    reply = Reply.objects.get()
    assert reply.in_time and reply.unit.name == "西社区居委会" and reply.replied_by == actors.community_staff
    assert call.ticket.events.filter(action="reply", actor=actors.community_staff).exists()


def test_a_reply_after_the_limit_is_late(accepted, actors):
    call = accepted()
    with time_machine.travel(call.reply_due_at + timedelta(minutes=1)):
        services.ticket_reply(ticket_id=call.ticket_id, actor=actors.community_staff, content="迟到的答复")
    assert not Reply.objects.get().in_time


def test_only_the_holding_unit_replies(accepted, actors, operator):
    call = accepted()
    for user in (actors.street_coordinator, actors.outsider, operator):
        with pytest.raises(PermissionDenied):
            services.ticket_reply(ticket_id=call.ticket_id, actor=user, content="答复")


def test_a_reached_callback_rates_the_order(dispatched, operator):
    call = dispatched()
    closed(call.ticket)
    ticket = services.ticket_callback(ticket_id=call.ticket_id, actor=operator, reached=True, responded=True,
                                      solved=True, satisfaction="basically", note="基本满意")
    assert ticket.status == Ticket.Status.RATED and ticket.satisfaction == "basically"
    callback = Callback.objects.get()
    assert (callback.reached, callback.responded, callback.solved, callback.unit) == (
        True, True, True, ticket.handling_unit)
    assert ticket.events.filter(action="callback", reason_code="basically", actor=operator).exists()


def test_an_unreached_callback_leaves_the_order_closed_for_another_try(dispatched, operator):
    call = dispatched()
    closed(call.ticket)
    ticket = services.ticket_callback(ticket_id=call.ticket_id, actor=operator, reached=False,
                                      satisfaction="satisfied", solved=True)
    assert ticket.status == Ticket.Status.CLOSED
    callback = Callback.objects.get()
    assert (callback.reached, callback.solved, callback.satisfaction) == (False, False, "")


def test_a_reached_callback_needs_the_satisfaction(dispatched, operator):
    call = dispatched()
    closed(call.ticket)
    with pytest.raises(services.HotlineInputError):
        services.ticket_callback(ticket_id=call.ticket_id, actor=operator, reached=True)
    assert not Callback.objects.exists()


def test_callbacks_wait_for_closure_and_belong_to_the_hotline(dispatched, operator, actors):
    call = dispatched()
    with pytest.raises(TransitionNotAllowed):
        services.ticket_callback(ticket_id=call.ticket_id, actor=operator, reached=True, satisfaction="satisfied")
    closed(call.ticket)
    with pytest.raises(PermissionDenied):
        services.ticket_callback(ticket_id=call.ticket_id, actor=actors.community_staff, reached=True,
                                 satisfaction="satisfied")


def test_an_unsatisfied_citizen_gets_a_second_handling(dispatched, operator, actors):
    call = dispatched()
    closed(call.ticket)
    services.ticket_callback(ticket_id=call.ticket_id, actor=operator, reached=True, satisfaction="unsatisfied")
    with pytest.raises(PermissionDenied):
        services.ticket_rehandle(ticket_id=call.ticket_id, actor=actors.leader, reason="x")
    ticket = services.ticket_rehandle(ticket_id=call.ticket_id, actor=operator, reason="市民反映路灯仍不亮")
    assert ticket.status == Ticket.Status.DISPATCHED and ticket.closed_at is None and ticket.satisfaction == ""
    assert ticket.due_kind == Ticket.DueKind.SIGN and ticket.due_at > timezone.now()
    assert ticket.notifications.filter(kind="rehandle").exists()
    assert list(ticket.events.values_list("action", flat=True))[-2:] == ["callback", "rehandle"]


def test_a_second_handling_starts_a_new_sign_for_clock(dispatched, operator):
    call = dispatched()
    closed(call.ticket)
    services.ticket_callback(ticket_id=call.ticket_id, actor=operator, reached=True, satisfaction="unsatisfied")
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=CST), tick=False):
        ticket = services.ticket_rehandle(ticket_id=call.ticket_id, actor=operator, reason="仍未解决")
        assert ticket.due_at == deadline(timezone.now(), ticket.sign_minutes, clock_time=ticket.clock_time)


def test_callback_deadlines_follow_the_working_calendar(dispatched, operator):
    before_holiday, before_makeup_day = dispatched(), dispatched()
    for call, at in ((before_holiday, datetime(2026, 9, 30, 10, 0, tzinfo=CST)),
                     (before_makeup_day, datetime(2026, 10, 9, 10, 0, tzinfo=CST))):
        Ticket.objects.filter(pk=call.ticket_id).update(status=Ticket.Status.CLOSED, closed_at=at, due_at=None,
                                                        due_kind="")
    due = {t.pk: t.callback_due for t in selectors.callbacks_awaiting(user=operator)}
    assert due == {
        before_holiday.ticket_id: datetime(2026, 10, 8, 10, 0, tzinfo=CST),  # after the National Day holiday
        before_makeup_day.ticket_id: datetime(2026, 10, 10, 10, 0, tzinfo=CST),  # a Saturday worked (调休)
    }


def test_callbacks_awaiting_costs_the_same_queries_for_one_order_or_five(dispatched, operator):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            awaiting = selectors.callbacks_awaiting(user=operator)
        return len(awaiting), len(captured)

    closed(dispatched().ticket)
    rows, one = queries()
    assert rows == 1
    for _ in range(4):
        closed(dispatched().ticket)
    assert queries() == (5, one)


def test_closed_orders_await_a_callback_until_a_valid_one(dispatched, operator, actors):
    first, second = dispatched(), dispatched()
    closed(first.ticket)
    closed(second.ticket)
    # A month on: past the next working day after any closure, the longest holiday (Spring Festival) included.
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        awaiting = selectors.callbacks_awaiting(user=operator)
        assert {t.pk for t in awaiting} == {first.ticket_id, second.ticket_id}
        assert all(t.callback_late and t.callback_due > t.closed_at for t in awaiting)
    services.ticket_callback(ticket_id=first.ticket_id, actor=operator, reached=False)
    services.ticket_callback(ticket_id=second.ticket_id, actor=operator, reached=True, satisfaction="satisfied")
    closed(first.ticket)  # still closed: the citizen was not reached
    awaiting = selectors.callbacks_awaiting(user=operator)
    assert [t.pk for t in awaiting] == [first.ticket_id] and not awaiting[0].callback_late
    assert selectors.callbacks_awaiting(user=actors.outsider) == []


def test_call_records_are_immutable(dispatched):
    call = dispatched()
    call.content = "改过的内容"
    with pytest.raises(ValidationError):
        call.save()
    with pytest.raises(ValidationError):
        call.delete()


def test_hotline_records_say_why_they_cannot_change(dispatched):
    call = dispatched()
    with pytest.raises(ValidationError, match=str(RECORD_IS_IMMUTABLE)):
        call.save()
    with pytest.raises(ValidationError, match=str(RECORD_IS_PERMANENT)):
        call.delete()


def test_a_12345_order_is_extended_by_at_most_ten_working_days(dispatched, actors):
    ticket = dispatched().ticket
    ticket_accept(ticket_id=ticket.pk, actor=actors.community_staff)
    ten_days = 10 * working_day_minutes()
    with pytest.raises(WorkflowInputError) as refused:
        ticket_request_extension(ticket_id=ticket.pk, actor=actors.community_staff, minutes=ten_days + 1,
                                 reason="需协调多部门")
    assert refused.value.field == "minutes"
    assert not Ticket.objects.get(pk=ticket.pk).extension_requested_minutes
    ticket = ticket_request_extension(ticket_id=ticket.pk, actor=actors.community_staff, minutes=ten_days,
                                      reason="需协调多部门")
    assert ticket.extension_requested_minutes == ten_days
