"""主办/协办: one lead unit and co-handling units; each co-handler signs for and gives feedback on its part,
all of them see the order (and only their orders), and it is handled once every part is done."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.access import OUTSIDE_SCOPE
from dispatch.models import CoHandler
from dispatch.selectors import dispatch_states_attach
from dispatch.services import catalogue_entry_create, ticket_co_feedback, ticket_co_sign, ticket_object
from govportal.workflow import TransitionNotAllowed
from hotline.services import ticket_reply
from incidents.models import Ticket
from incidents.selectors import ticket_is_visible, ticket_list
from incidents.services import ticket_handle, ticket_sign, ticket_start
from incidents.workflow import CO_HANDLER_NOT_SIGNED, CO_HANDLING_OPEN, NOT_A_CO_HANDLER, TICKETS


@pytest.fixture
def co_handled(catalogue, units, dispatched):
    """A 12345 order about a manhole (0202): the water department leads, urban management and housing co-handle."""
    catalogue_entry_create(category=catalogue["0202"], lead_unit=units["water"],
                           co_units=[units["urban"], units["housing"]])
    return dispatched(code="0202").ticket


def test_co_handling_every_unit_sees_the_order_and_no_one_else(co_handled, units, actors):
    for handler in ("water_handler", "housing_handler"):
        assert ticket_is_visible(user=units[handler], ticket=co_handled)
        assert ticket_list(user=units[handler]).filter(pk=co_handled.pk).exists()
    assert ticket_list(user=actors.department_handler).filter(pk=co_handled.pk).exists()  # urban management
    for outsider in (units["ecology_handler"], units["government_handler"], actors.outsider):
        assert not ticket_is_visible(user=outsider, ticket=co_handled)
        assert not ticket_list(user=outsider).filter(pk=co_handled.pk).exists()


def test_co_handling_a_co_handler_signs_then_gives_feedback_on_its_part(co_handled, units):
    housing = units["housing_handler"]
    assert TICKETS.allowed_actions(co_handled, housing) == ["co_sign"]
    with pytest.raises(PermissionDenied, match=str(CO_HANDLER_NOT_SIGNED)):
        ticket_co_feedback(ticket_id=co_handled.pk, actor=housing, feedback="已核查")
    with pytest.raises(PermissionDenied, match=str(NOT_A_CO_HANDLER)):  # the lead sees it, but leads
        ticket_co_sign(ticket_id=co_handled.pk, actor=units["water_handler"])
    with pytest.raises(PermissionDenied, match=str(OUTSIDE_SCOPE)):  # another department does not see it
        ticket_co_sign(ticket_id=co_handled.pk, actor=units["ecology_handler"])

    ticket_co_sign(ticket_id=co_handled.pk, actor=housing)
    assert TICKETS.allowed_actions(co_handled, housing) == ["co_feedback"]
    ticket_co_feedback(ticket_id=co_handled.pk, actor=housing, feedback="已排查小区管网")

    row = CoHandler.objects.get(ticket=co_handled, unit=units["housing"])
    assert row.signed_at and row.feedback_at and row.feedback == "已排查小区管网"
    assert list(co_handled.events.filter(action__startswith="co_").values_list("action", "actor")) == [
        ("co_sign", housing.pk), ("co_feedback", housing.pk)]
    assert TICKETS.allowed_actions(co_handled, housing) == []
    assert Ticket.objects.get(pk=co_handled.pk).status == Ticket.Status.DISPATCHED  # the lead's state is its own


def test_co_handling_the_order_is_handled_once_the_lead_replied_and_every_co_handler_fed_back(co_handled, units,
                                                                                             actors):
    lead = units["water_handler"]
    ticket_sign(ticket_id=co_handled.pk, actor=lead)
    ticket_start(ticket_id=co_handled.pk, actor=lead)
    with pytest.raises(TransitionNotAllowed, match=str(CO_HANDLING_OPEN)[:20]):
        ticket_handle(ticket_id=co_handled.pk, actor=lead, feedback="井盖已更换")

    for co_handler in (actors.department_handler, units["housing_handler"]):
        ticket_co_sign(ticket_id=co_handled.pk, actor=co_handler)
        ticket_co_feedback(ticket_id=co_handled.pk, actor=co_handler, feedback="配合完成")
    assert "handle" not in TICKETS.allowed_actions(Ticket.objects.get(pk=co_handled.pk), lead)  # no reply yet
    with pytest.raises(PermissionDenied):  # a co-handler does not reply to the citizen: the lead does
        ticket_reply(ticket_id=co_handled.pk, actor=units["housing_handler"], content="已处理")
    ticket_reply(ticket_id=co_handled.pk, actor=lead, content="井盖已更换，管网已排查")

    handled = ticket_handle(ticket_id=co_handled.pk, actor=lead, feedback="井盖已更换")
    assert handled.status == Ticket.Status.HANDLED


def test_co_handling_a_lists_attached_dispatch_state_answers_like_the_queries(co_handled, units, actors, operator):
    people = [units["water_handler"], units["housing_handler"], actors.department_handler, operator,
              actors.street_coordinator]

    def allowed(attach):
        ticket = Ticket.objects.get(pk=co_handled.pk)
        if attach:
            dispatch_states_attach([ticket])
        return [TICKETS.allowed_actions(ticket, person) for person in people]

    assert allowed(attach=True) == allowed(attach=False)
    assert "object" in allowed(attach=True)[0] and "co_sign" in allowed(attach=True)[1]
    ticket_co_sign(ticket_id=co_handled.pk, actor=units["housing_handler"])
    ticket_object(ticket_id=co_handled.pk, actor=units["water_handler"], reason="不属于本单位")
    assert allowed(attach=True) == allowed(attach=False)
    after = allowed(attach=True)
    assert "co_feedback" in after[1] and "redispatch" in after[3] and "object" not in after[0]
