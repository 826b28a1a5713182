"""派单目录 at intake and on the street's board: the operator sees the catalogue's proposal pre-selected
and may send the order elsewhere with a reason; the choice is recorded, routed and counted. The
street's board pre-selects the catalogue's department likewise."""

from datetime import timedelta

import pytest
from django.urls import reverse

from dispatch.models import DispatchOverride
from dispatch.selectors import override_counts
from dispatch.services import OVERRIDE_REASON_REQUIRED, catalogue_entry_create
from govportal.errors import DomainInputError
from hotline.models import Call
from incidents.models import Ticket
from incidents.services import ticket_accept, ticket_create, ticket_dispatch, ticket_route
from tests.factories import log_in_verified

from .conftest import TUESDAY_10, WEST_POINT


@pytest.fixture
def manholes(catalogue, units):
    """The catalogue sends manholes (0202) to the water department, urban management co-handling."""
    return catalogue_entry_create(category=catalogue["0202"], lead_unit=units["water"], co_units=[units["urban"]])


def test_override_proposal_is_what_the_router_would_do(client, operator, manholes, units, actors):
    log_in_verified(client, operator)
    answer = client.get(reverse("api:dispatch-proposal"), {"category": "0202", "lat": WEST_POINT.y,
                                                           "lng": WEST_POINT.x})
    assert answer.status_code == 200
    assert answer.json()["lead_unit"]["code"] == units["water"].code
    assert [unit["code"] for unit in answer.json()["co_units"]] == [units["urban"].code]
    bad = client.get(reverse("api:dispatch-proposal"), {"category": "02", "lat": "north", "lng": WEST_POINT.x})
    assert bad.status_code == 400 and {"category", "lat"} <= set(bad.json()["extra"]["fields"])
    assert client.get(reverse("hotline-intake")).status_code == 200


def test_override_needs_a_reason_and_is_routed_recorded_and_counted(dispatched, manholes, units, operator):
    with pytest.raises(DomainInputError, match=str(OVERRIDE_REASON_REQUIRED)[:15]):
        dispatched(code="0202", lead_unit=units["housing"])
    assert not Call.objects.exists() and not Ticket.objects.exists()  # nothing kept of the refused call

    kept = dispatched(code="0202", lead_unit=units["water"]).ticket  # the proposal: no override
    moved = dispatched(code="0202", lead_unit=units["housing"], override_reason="小区内井盖，属物业监管").ticket

    assert kept.handling_unit == units["water"] and not DispatchOverride.objects.filter(ticket=kept).exists()
    assert moved.handling_unit == units["housing"]
    override = DispatchOverride.objects.get(ticket=moved)
    assert (override.proposed_unit, override.chosen_unit, override.operator) == (units["water"], units["housing"],
                                                                                 operator)
    assert list(moved.co_handlers.values_list("unit", flat=True)) == [units["urban"].pk]  # the line's co-handlers
    period = {"start": TUESDAY_10 - timedelta(days=1), "end": TUESDAY_10 + timedelta(days=1)}
    assert override_counts(**period, by="operator") == [(operator.pk, 1)]
    assert override_counts(**period, by="proposed_unit") == [(units["water"].pk, 1)]


def test_override_on_the_intake_page_without_a_reason_is_a_form_error(client, operator, manholes, units):
    log_in_verified(client, operator)
    page = client.post(reverse("hotline-intake"), {
        "caller_phone": "13812341234", "request_type": "complaint", "content": "井盖缺失", "outcome": "new_ticket",
        "category": "0202", "lat": WEST_POINT.y, "lng": WEST_POINT.x, "lead_unit": units["housing"].code,
        "started_at": TUESDAY_10.isoformat(), "idempotency_key": "k"})
    assert page.status_code == 200
    assert page.context["form"].errors["override_reason"] == [str(OVERRIDE_REASON_REQUIRED)]


def test_override_on_the_street_board_the_catalogue_unit_is_preselected_and_another_takes_a_reason(
        client, catalogue, actors, units):
    ticket, _ = ticket_create(source=Ticket.Source.GRID_WORKER, category=catalogue["0102"],
                              description="楼道堆放杂物", location=WEST_POINT, reporter=actors.grid_worker)
    ticket_route(ticket_id=ticket.pk)
    ticket_accept(ticket_id=ticket.pk, actor=actors.community_staff)
    catalogue_entry_create(category=catalogue["0102"], lead_unit=units["water"])  # a line made since

    log_in_verified(client, actors.street_coordinator)
    board = client.get(reverse("ticket-board"))
    row = next(t for t in board.context["tickets"] if t.pk == ticket.pk)
    assert row.dispatch_form["unit"].value() == units["water"].code

    with pytest.raises(DomainInputError, match=str(OVERRIDE_REASON_REQUIRED)[:15]):
        ticket_dispatch(ticket_id=ticket.pk, actor=actors.street_coordinator, unit=units["urban"])
    ticket_dispatch(ticket_id=ticket.pk, actor=actors.street_coordinator, unit=units["urban"], reason="占道属城管")
    override = DispatchOverride.objects.get(ticket=ticket)
    assert (override.stage, override.proposed_unit, override.chosen_unit) == (
        DispatchOverride.Stage.STREET, units["water"], units["urban"])
