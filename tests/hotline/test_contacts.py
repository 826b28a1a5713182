"""Units reach the citizen: the holding unit reveals the caller's number (recorded) and records its
contact (time, way, result); the response rate (响应率) counts those contacts."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from hotline import services
from hotline.models import CitizenContact, PhoneReveal
from incidents.services import ticket_accept

from .conftest import close

pytestmark = pytest.mark.dated

CST = ZoneInfo("Asia/Shanghai")
MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=CST)


@pytest.fixture
def accepted(dispatched, actors):
    with time_machine.travel(MONDAY_9AM, tick=False):
        call = dispatched()
        ticket_accept(ticket_id=call.ticket_id, actor=actors.community_staff)
    return call


def test_the_holding_unit_reveals_the_callers_number_and_the_reveal_is_recorded(accepted, actors):
    ticket = accepted.ticket
    assert services.citizen_phone_reveal(ticket=ticket, user=actors.community_staff) == "13812341234"
    assert PhoneReveal.objects.filter(call=accepted, user=actors.community_staff).count() == 1
    for user in (actors.street_coordinator, actors.grid_worker, actors.outsider):
        with pytest.raises(PermissionDenied):
            services.citizen_phone_reveal(ticket=ticket, user=user)


def test_a_confidential_callers_number_stays_hidden_from_the_unit(dispatched, actors, operator):
    call = dispatched(confidential=True)
    ticket_accept(ticket_id=call.ticket_id, actor=actors.community_staff)
    with pytest.raises(PermissionDenied):
        services.citizen_phone_reveal(ticket=call.ticket, user=actors.community_staff)
    assert services.citizen_phone_reveal(ticket=call.ticket, user=operator) == "13812341234"


def test_a_contact_in_time_makes_the_order_responded_in_the_rates(accepted, dispatched, actors, operator):
    contact_at = MONDAY_9AM + timedelta(hours=2)
    with time_machine.travel(contact_at + timedelta(minutes=5), tick=False):
        services.ticket_contact(ticket_id=accepted.ticket_id, actor=actors.community_staff, contacted_at=contact_at,
                                way="phone", result="reached", note="约好明早上门")
    contact = CitizenContact.objects.get()
    assert (contact.in_time, contact.unit, contact.way) == (True, accepted.ticket.handling_unit, "phone")
    close(accepted.ticket_id)
    callback = services.ticket_callback(ticket_id=accepted.ticket_id, actor=operator, reached=True,
                                        satisfaction="satisfied").hotline_callbacks.get()
    assert callback.responded
    # An order whose unit never reached the citizen is not responded, whatever else happened.
    other = dispatched()
    close(other.ticket_id)
    assert not services.ticket_callback(ticket_id=other.ticket_id, actor=operator, reached=True,
                                        satisfaction="satisfied").hotline_callbacks.get().responded


@time_machine.travel(MONDAY_9AM + timedelta(hours=2), tick=False)  # the contact at 9:00 lies in the past
def test_a_contact_is_recorded_by_the_holding_unit_once_it_happened(accepted, actors):
    with pytest.raises(services.HotlineInputError, match=str(services.CONTACT_IN_FUTURE)):
        services.ticket_contact(ticket_id=accepted.ticket_id, actor=actors.community_staff,
                                contacted_at=datetime.now(CST) + timedelta(hours=1), way="phone", result="reached")
    with pytest.raises(PermissionDenied):
        services.ticket_contact(ticket_id=accepted.ticket_id, actor=actors.street_coordinator,
                                contacted_at=MONDAY_9AM, way="visit", result="reached")
