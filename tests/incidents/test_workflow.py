from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import HandlingUnit
from incidents import services
from incidents.models import EVENT_IS_IMMUTABLE, EVENT_IS_PERMANENT, Notification, RoutingRequest, Ticket, TicketEvent
from govportal.workflow import TransitionNotAllowed
from incidents.workflow import TICKETS, TRANSITIONS

from .conftest import WEST_POINT
from .photos import jpeg

pytestmark = pytest.mark.dated

S = Ticket.Status
CST = ZoneInfo("Asia/Shanghai")
MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=CST)


def unit(kind, **filters):
    return HandlingUnit.objects.get(kind=kind, **filters)


@pytest.fixture
def department():
    return unit(HandlingUnit.Kind.DEPARTMENT, department=HandlingUnit.Department.URBAN_MANAGEMENT)


@time_machine.travel(MONDAY_9AM, tick=False)
def test_routing_locates_the_ticket_and_starts_the_community_clock(report, tree, actors):
    ticket = report()
    assert ticket.number == "SJ202611230001"
    assert (ticket.grid, ticket.community, ticket.street, ticket.district) == (
        tree.grids[0], tree.west_community, tree.west_street, tree.district)
    assert ticket.handling_unit == actors.community_staff.unit
    assert ticket.dispatcher_unit == actors.street_coordinator.unit
    assert ticket.status == S.REPORTED
    assert (ticket.due_kind, ticket.due_at) == ("accept", datetime(2026, 11, 23, 11, 0, tzinfo=CST))
    assert RoutingRequest.objects.get(pk=ticket.pk).routed_at is not None
    assert list(ticket.events.values_list("action", flat=True)) == ["report", "route"]


def test_routing_twice_changes_nothing(report):
    ticket = report()
    again = services.ticket_route(ticket_id=ticket.pk)
    assert again.events.count() == 2
    assert again.due_at == ticket.due_at


def test_department_category_goes_straight_to_the_department(report):
    ticket = report("0202")  # 井盖 → 水务
    assert ticket.status == S.DISPATCHED
    assert ticket.handling_unit.department == HandlingUnit.Department.WATER
    assert ticket.due_kind == "sign"


def test_full_loop_with_dispatch_to_a_department(report, actors, department):
    ticket = report("0103")  # 违法建设: the street first
    assert ticket.handling_unit == actors.street_coordinator.unit
    services.ticket_accept(ticket_id=ticket.pk, actor=actors.street_coordinator)
    services.ticket_dispatch(ticket_id=ticket.pk, actor=actors.street_coordinator, unit=department)
    services.ticket_sign(ticket_id=ticket.pk, actor=actors.department_handler)
    services.ticket_start(ticket_id=ticket.pk, actor=actors.department_handler)
    services.ticket_handle(ticket_id=ticket.pk, actor=actors.department_handler, feedback="已拆除")
    services.ticket_verify(ticket_id=ticket.pk, actor=actors.grid_worker)
    services.ticket_close(ticket_id=ticket.pk, actor=actors.community_staff)
    ticket = services.ticket_rate(ticket_id=ticket.pk, actor=actors.grid_worker, satisfaction="satisfied")
    assert ticket.status == S.RATED
    assert ticket.due_at is None and ticket.closed_at is not None
    events = list(ticket.events.values_list("action", "from_status", "to_status", "actor__username"))
    assert [e[0] for e in events] == [
        "report", "route", "accept", "dispatch", "sign", "start", "handle", "verify", "close", "rate"]
    assert events[4] == ("sign", S.DISPATCHED, S.SIGNED, actors.department_handler.username)
    assert Notification.objects.filter(ticket=ticket, unit=department, kind="dispatch").exists()


def test_every_action_is_refused_from_a_state_it_does_not_start_from(report, actors):
    ticket = report()
    with pytest.raises(TransitionNotAllowed):
        services.ticket_sign(ticket_id=ticket.pk, actor=actors.community_staff)
    with pytest.raises(TransitionNotAllowed):
        services.ticket_verify(ticket_id=ticket.pk, actor=actors.grid_worker)
    assert ticket.events.count() == 2  # nothing written


def test_outsider_from_another_street_is_refused(report, actors):
    ticket = report()
    with pytest.raises(PermissionDenied):
        services.ticket_accept(ticket_id=ticket.pk, actor=actors.outsider)
    assert TICKETS.allowed_actions(Ticket.objects.get(pk=ticket.pk), actors.outsider) == []


def test_roles_are_checked(report, actors, department):
    ticket = report()
    with pytest.raises(PermissionDenied):  # a grid worker does not accept
        services.ticket_accept(ticket_id=ticket.pk, actor=actors.grid_worker)
    with pytest.raises(PermissionDenied):  # the street does not hold it yet
        services.ticket_accept(ticket_id=ticket.pk, actor=actors.street_coordinator)
    services.ticket_accept(ticket_id=ticket.pk, actor=actors.community_staff)
    with pytest.raises(PermissionDenied):  # only the dispatching street dispatches
        services.ticket_dispatch(ticket_id=ticket.pk, actor=actors.community_staff, unit=department)


def test_allowed_actions_follow_the_table(report, actors):
    ticket = report()
    assert set(TICKETS.allowed_actions(ticket, actors.community_staff)) == {"accept", "reject", "escalate"}
    assert TICKETS.allowed_actions(ticket, actors.grid_worker) == []
    assert all(ticket.status in TRANSITIONS[name].sources for name in TICKETS.allowed_actions(ticket, actors.admin))


def test_reject_needs_a_known_reason_code(report, actors):
    ticket = report()
    with pytest.raises(services.WorkflowInputError):
        services.ticket_reject(ticket_id=ticket.pk, actor=actors.community_staff, reason_code="bored")
    rejected = services.ticket_reject(ticket_id=ticket.pk, actor=actors.community_staff, reason_code="duplicate")
    assert rejected.status == S.REJECTED
    assert rejected.events.last().reason_code == "duplicate"


def test_community_whistle_moves_the_ticket_to_the_street(report, actors):
    ticket = report()
    services.ticket_accept(ticket_id=ticket.pk, actor=actors.community_staff)
    with pytest.raises(services.WorkflowInputError):
        services.ticket_escalate(ticket_id=ticket.pk, actor=actors.community_staff, reason=" ")
    ticket = services.ticket_escalate(ticket_id=ticket.pk, actor=actors.community_staff, reason="需要执法力量")
    assert ticket.handling_unit == actors.street_coordinator.unit
    assert ticket.status == S.ACCEPTED and ticket.due_kind == "handle"
    assert Notification.objects.filter(ticket=ticket, unit=actors.street_coordinator.unit).exists()


def test_department_return_goes_back_to_the_street_for_review(report, actors, department):
    ticket = report("0103")
    services.ticket_accept(ticket_id=ticket.pk, actor=actors.street_coordinator)
    services.ticket_dispatch(ticket_id=ticket.pk, actor=actors.street_coordinator, unit=department)
    with pytest.raises(services.WorkflowInputError):
        services.ticket_return(ticket_id=ticket.pk, actor=actors.department_handler, reason_code="not_our_duty")
    ticket = services.ticket_return(ticket_id=ticket.pk, actor=actors.department_handler,
                                    reason_code="not_our_duty", reason="属住建部门职责")
    assert (ticket.status, ticket.handling_unit, ticket.due_kind) == (
        S.RETURNED, actors.street_coordinator.unit, "review")
    water = unit(HandlingUnit.Kind.DEPARTMENT, department=HandlingUnit.Department.WATER)
    ticket = services.ticket_dispatch(ticket_id=ticket.pk, actor=actors.street_coordinator, unit=water)
    assert ticket.handling_unit == water


def test_extension_request_and_approval_move_the_deadline(report, actors):
    with time_machine.travel(MONDAY_9AM, tick=False):
        ticket = report()
        services.ticket_accept(ticket_id=ticket.pk, actor=actors.community_staff)
        ticket = services.ticket_request_extension(ticket_id=ticket.pk, actor=actors.community_staff,
                                                   minutes=420, reason="等待材料")
        before = ticket.due_at
        ticket = services.ticket_approve_extension(ticket_id=ticket.pk, actor=actors.street_coordinator)
    assert ticket.due_at == datetime(2026, 11, 27, 9, 0, tzinfo=CST)  # 3 working days + 1
    assert before == datetime(2026, 11, 26, 9, 0, tzinfo=CST)
    with pytest.raises(TransitionNotAllowed):  # decided already: nothing is asked any more
        services.ticket_approve_extension(ticket_id=ticket.pk, actor=actors.street_coordinator)


def test_suspension_stops_the_clock_and_resume_restarts_it(report, actors):
    with time_machine.travel(MONDAY_9AM, tick=False):
        ticket = report()
        services.ticket_accept(ticket_id=ticket.pk, actor=actors.community_staff)
        ticket = services.ticket_suspend(ticket_id=ticket.pk, actor=actors.street_coordinator, reason="等待法院裁决")
    assert (ticket.status, ticket.due_at, ticket.paused_minutes_left) == (S.SUSPENDED, None, 3 * 420)
    with time_machine.travel(datetime(2026, 12, 7, 9, 0, tzinfo=CST), tick=False):
        ticket = services.ticket_resume(ticket_id=ticket.pk, actor=actors.street_coordinator)
    assert ticket.status == S.ACCEPTED
    assert ticket.due_at == datetime(2026, 12, 10, 9, 0, tzinfo=CST)


def test_failed_verification_sends_it_back_and_unsatisfied_reopens(report, actors):
    ticket = report()
    services.ticket_accept(ticket_id=ticket.pk, actor=actors.community_staff)
    services.ticket_handle(ticket_id=ticket.pk, actor=actors.community_staff, feedback="已清理")
    ticket = services.ticket_verify_fail(ticket_id=ticket.pk, actor=actors.grid_worker, reason="仍有杂物")
    assert ticket.status == S.IN_PROGRESS
    services.ticket_handle(ticket_id=ticket.pk, actor=actors.community_staff, feedback="已彻底清理")
    services.ticket_verify(ticket_id=ticket.pk, actor=actors.grid_worker)
    services.ticket_close(ticket_id=ticket.pk, actor=actors.grid_worker)
    services.ticket_rate(ticket_id=ticket.pk, actor=actors.grid_worker, satisfaction="unsatisfied")
    ticket = services.ticket_reopen(ticket_id=ticket.pk, actor=actors.grid_worker, reason="又堆上了")
    assert (ticket.status, ticket.closed_at, ticket.due_kind) == (S.DISPATCHED, None, "sign")


def test_self_handled_report_goes_straight_to_verification(catalogue, actors):
    ticket, _ = services.ticket_create(
        source=Ticket.Source.GRID_WORKER, category=catalogue["0102"], description="杂物", location=WEST_POINT,
        reporter=actors.grid_worker, self_handled=True, feedback="当场清理", photos=[jpeg()],
    )
    ticket = services.ticket_route(ticket_id=ticket.pk)
    assert (ticket.status, ticket.due_kind) == (S.HANDLED, "verify")
    with pytest.raises(services.WorkflowInputError):  # no feedback
        services.ticket_create(source=Ticket.Source.GRID_WORKER, category=catalogue["0102"], description="x",
                               location=WEST_POINT, self_handled=True, photos=[jpeg()])
    with pytest.raises(services.WorkflowInputError):  # no photo evidence
        services.ticket_create(source=Ticket.Source.GRID_WORKER, category=catalogue["0102"], description="x",
                               location=WEST_POINT, self_handled=True, feedback="当场清理")


def test_the_same_idempotency_key_returns_the_same_ticket(catalogue, actors):
    arguments = dict(source=Ticket.Source.GRID_WORKER, category=catalogue["0102"], description="杂物",
                     location=WEST_POINT, reporter=actors.grid_worker, idempotency_key="k-1")
    first, created = services.ticket_create(**arguments)
    second, created_again = services.ticket_create(**arguments)
    assert (first.pk, created, created_again) == (second.pk, True, False)
    assert Ticket.objects.count() == 1


def test_catalogue_edits_do_not_move_running_clocks(report, catalogue):
    ticket = report()
    limit = catalogue["0102"].time_limit("ordinary")
    limit.pk = None
    limit.category, limit.sign_minutes = catalogue["0102"], 1
    limit.save()
    assert Ticket.objects.get(pk=ticket.pk).sign_minutes == 120
    assert report().sign_minutes == 1


def test_events_are_immutable(report):
    event = report().events.first()
    event.reason = "changed"
    with pytest.raises(ValidationError) as changed:
        event.save()
    assert changed.value.messages == [str(EVENT_IS_IMMUTABLE)]
    with pytest.raises(ValidationError) as deleted:
        event.delete()
    assert deleted.value.messages == [str(EVENT_IS_PERMANENT)]
    assert TicketEvent.objects.filter(reason="changed").count() == 0


def test_deadlines_of_a_ticket_reported_before_national_day_skip_the_holiday(report, actors):
    with time_machine.travel(datetime(2026, 9, 30, 16, 30, tzinfo=CST), tick=False):
        ticket = report()  # accept within 2 working hours: 1 h on 30 Sep, then 1–7 Oct are holidays
    assert ticket.due_at == datetime(2026, 10, 8, 9, 30, tzinfo=CST)
    with time_machine.travel(datetime(2026, 10, 9, 10, 0, tzinfo=CST), tick=False):
        ticket = services.ticket_accept(ticket_id=ticket.pk, actor=actors.community_staff)
    # 3 working days from Friday 9 Oct 10:00 count the make-up Saturday 10 Oct and skip Sunday.
    assert ticket.due_at == datetime(2026, 10, 13, 10, 0, tzinfo=CST)
