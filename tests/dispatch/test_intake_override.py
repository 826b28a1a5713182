"""派单目录 at intake: the operator sees the catalogue's proposal pre-selected and may send the order
elsewhere with a reason; the choice is recorded, routed and counted."""

from datetime import timedelta

import pytest
from django.urls import reverse

from dispatch.models import DispatchOverride
from dispatch.selectors import override_counts
from dispatch.services import OVERRIDE_REASON_REQUIRED, catalogue_entry_create
from govportal.errors import DomainInputError
from hotline.models import Call
from incidents.models import Ticket
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
