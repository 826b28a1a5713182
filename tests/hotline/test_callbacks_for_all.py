"""Callbacks for every citizen: 随手拍 and Open311 reporters who left a phone are called back too."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AuditEvent
from hotline import selectors, services
from hotline.models import Open311Key
from incidents.models import Ticket
from incidents.services import ticket_create
from grids.selectors import grid_locate

from .conftest import WEST_POINT, close


@pytest.fixture
def citizen_report(catalogue, actors):
    """Return a function storing a citizen's 随手拍 report in the west (phone: the reporter's, if any)."""

    def make(phone="13900001111"):
        ticket, _created = ticket_create(source=Ticket.Source.CITIZEN, category=catalogue["0102"],
                                         description="楼下乱堆杂物", location=WEST_POINT, reporter_phone=phone,
                                         place=grid_locate(WEST_POINT))
        return ticket

    return make


def test_citizen_and_open311_reporters_with_a_phone_are_owed_a_callback(citizen_report, catalogue, dispatched,
                                                                       operator):
    hotline = dispatched().ticket
    app = citizen_report()
    silent = citizen_report(phone="")
    key = Open311Key.objects.create(key="k" * 32, name="市民App")
    open311 = services.open311_request_create(
        api_key=key, category=catalogue["0102"], location=WEST_POINT, place=grid_locate(WEST_POINT),
        description="路边堆放建筑垃圾", phone="13900002222").ticket
    for ticket in (hotline, app, silent, open311):
        close(ticket.pk)
    awaiting = {ticket.pk for ticket in selectors.callbacks_awaiting(user=operator)}
    assert awaiting == {hotline.pk, app.pk, open311.pk}  # not the report without a phone


def test_the_operator_calls_back_a_citizens_report_and_it_is_rated(citizen_report, operator):
    ticket = citizen_report()
    close(ticket.pk)
    rated = services.ticket_callback(ticket_id=ticket.pk, actor=operator, reached=True, responded=True,
                                     solved=True, satisfaction="satisfied")
    assert rated.status == Ticket.Status.RATED and rated.hotline_callbacks.get().solved
    assert ticket.pk not in {t.pk for t in selectors.callbacks_awaiting(user=operator)}


def test_the_reporters_number_is_revealed_to_the_operator_only_and_logged(citizen_report, operator, actors, client):
    ticket = citizen_report()
    close(ticket.pk)
    assert services.citizen_phone_reveal(ticket=ticket, user=operator) == "13900001111"
    with pytest.raises(PermissionDenied):
        services.citizen_phone_reveal(ticket=ticket, user=actors.community_staff)
    results = list(AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL, target=f"incidents.ticket:{ticket.pk}")
                   .order_by("pk").values_list("actor", "result"))
    assert results == [(operator.pk, AuditEvent.Result.SUCCESS), (actors.community_staff.pk, AuditEvent.Result.FAILURE)]
    client.force_login(operator)
    page = client.get(reverse("hotline-ticket", args=[ticket.pk])).content.decode()
    assert "139****1111" in page and "13900001111" not in page
    page = client.post(reverse("hotline-ticket-citizen-phone", args=[ticket.pk])).content.decode()
    assert "13900001111" in page


def test_operators_see_no_citizens_report_without_a_phone(citizen_report, operator, client):
    ticket = citizen_report(phone="")
    client.force_login(operator)
    assert client.get(reverse("hotline-ticket", args=[ticket.pk])).status_code == 404
