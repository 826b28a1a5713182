"""派单异议 → 改派: the holder objects within 2 working days of receipt; the hotline centre re-dispatches
(the clock restarts for the new unit) or rejects the objection; meanwhile the unit keeps the order."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from dashboards.selectors import department_ranking
from dispatch.models import DispatchObjection
from dispatch.selectors import objection_figures
from dispatch.services import ticket_object, ticket_redispatch, ticket_reject_objection
from govportal.periods import Period
from govportal.workflow import TransitionNotAllowed
from incidents.models import Ticket
from incidents.selectors import ticket_list
from incidents.workflow import OBJECTION_CLOSED, TICKETS

from .conftest import TUESDAY_10


@pytest.fixture
def objected(dispatched, units):
    """A 12345 order on a manhole (the water department), objected to at once by the water department."""
    ticket = dispatched(code="0202").ticket
    assert ticket.handling_unit == units["water"]
    return ticket_object(ticket_id=ticket.pk, actor=units["water_handler"], reason="井盖属燃气公司，非水务")


def test_objection_the_unit_keeps_the_order_until_the_hotline_decides(objected, units, actors, operator):
    objection = DispatchObjection.objects.get(ticket=objected)
    assert (objection.unit, objection.outcome) == (units["water"], DispatchObjection.Outcome.PENDING)
    assert objected.handling_unit == units["water"] and objected.status == Ticket.Status.DISPATCHED
    assert "sign" in TICKETS.allowed_actions(objected, units["water_handler"])  # it keeps working meanwhile
    assert "object" not in TICKETS.allowed_actions(objected, units["water_handler"])  # once
    assert set(TICKETS.allowed_actions(objected, operator)) >= {"redispatch", "reject_objection"}
    with pytest.raises(PermissionDenied):  # the street does not review objections: the hotline does
        ticket_reject_objection(ticket_id=objected.pk, actor=actors.street_coordinator, reason="驳回")


def test_objection_redispatched_by_the_hotline_restarts_the_clock_for_the_new_unit(objected, units, operator,
                                                                                  anchored):
    anchored.shift(timedelta(hours=3))
    moved = ticket_redispatch(ticket_id=objected.pk, actor=operator, unit=units["housing"], reason="改派住建局")

    assert moved.handling_unit == units["housing"] and moved.status == Ticket.Status.DISPATCHED
    assert moved.due_kind == Ticket.DueKind.SIGN and moved.due_at > objected.due_at  # a new sign-for clock
    objection = DispatchObjection.objects.get(ticket=objected)
    assert (objection.outcome, objection.new_unit, objection.decided_by) == (
        DispatchObjection.Outcome.REDISPATCHED, units["housing"], operator)
    event = moved.events.get(action="redispatch")
    assert (event.unit, event.actor, event.reason) == (units["housing"], operator, "改派住建局")
    assert ticket_list(user=units["housing_handler"]).filter(pk=moved.pk).exists()
    assert "object" in TICKETS.allowed_actions(moved, units["housing_handler"])  # its own period starts


def test_objection_rejected_the_unit_keeps_the_order_and_its_clock(objected, units, operator):
    kept = ticket_reject_objection(ticket_id=objected.pk, actor=operator, reason="属水务职责，请继续办理")
    assert (kept.handling_unit, kept.due_at) == (units["water"], objected.due_at)
    assert DispatchObjection.objects.get(ticket=objected).outcome == DispatchObjection.Outcome.REJECTED
    assert "object" not in TICKETS.allowed_actions(kept, units["water_handler"])  # one objection per receipt


def test_objection_only_within_two_working_days_of_receipt(dispatched, units, anchored):
    ticket = dispatched(code="0202").ticket  # received on Tuesday at 10:00
    anchored.move_to(TUESDAY_10 + timedelta(days=2, minutes=1))  # Thursday 10:01: two working days are over
    with pytest.raises(TransitionNotAllowed, match=str(OBJECTION_CLOSED)[:20]):
        ticket_object(ticket_id=ticket.pk, actor=units["water_handler"], reason="不属于本单位")
    anchored.move_to(TUESDAY_10 + timedelta(days=1, hours=23, minutes=59))  # Thursday 09:59: still in time
    ticket_object(ticket_id=ticket.pk, actor=units["water_handler"], reason="不属于本单位")


def test_objection_figures_count_each_units_objections_and_outcomes_in_the_assessment(objected, dispatched, units,
                                                                                   operator, tree):
    day = TUESDAY_10.date()
    ticket_redispatch(ticket_id=objected.pk, actor=operator, unit=units["housing"], reason="改派")
    second = dispatched(code="0202").ticket
    ticket_object(ticket_id=second.pk, actor=units["water_handler"], reason="不属于本单位")
    ticket_reject_objection(ticket_id=second.pk, actor=operator, reason="驳回")

    figures = objection_figures([units["water"].pk, units["housing"].pk],
                                start=TUESDAY_10 - timedelta(days=1), end=TUESDAY_10 + timedelta(days=1))
    assert figures == {units["water"].pk: {"raised": 2, "redispatched": 1, "rejected": 1}}
    ranking = {row["name"]: row for row in department_ranking(area=tree.city, period=Period(day, day))}
    assert (ranking["测试区水务局"]["raised"], ranking["测试区水务局"]["redispatched"]) == (2, 1)
    assert ranking["测试区住建局"]["raised"] == 0  # the unit it went to objected to nothing
