from dataclasses import fields
from datetime import timedelta

from django.utils import timezone

from incidents.models import Ticket
from incidents.selectors import ticket_verification_queue
from incidents.workflow import TICKETS

from .conftest import EAST_POINT

HANDLED = {"status": Ticket.Status.HANDLED, "due_kind": Ticket.DueKind.VERIFY}


def test_the_verification_queue_is_the_verify_rule_for_every_role(bulk_tickets, tree, actors):
    east = {"grid": tree.grids[2], "community": tree.east_community, "street": tree.east_street,
            "area_code": tree.grids[2].code, "location": EAST_POINT}
    now = timezone.now()
    tickets = [
        *bulk_tickets(2, due_at=now, **HANDLED),  # the grid worker's reports in the west street
        *bulk_tickets(1, due_at=now, reporter=actors.community_staff, **HANDLED),
        *bulk_tickets(1, due_at=now, reporter=actors.street_coordinator, **HANDLED),
        *bulk_tickets(1, due_at=now, reporter=actors.grid_worker, **HANDLED, **east),
        *bulk_tickets(1, due_at=now, reporter=actors.outsider, **HANDLED, **east),
        *bulk_tickets(2),  # reported, not handled yet
    ]
    for field in fields(actors):
        user = getattr(actors, field.name)
        rule = {t.pk for t in Ticket.objects.filter(pk__in=[t.pk for t in tickets])
                if "verify" in TICKETS.allowed_actions(t, user)}
        assert {t.pk for t in ticket_verification_queue(user=user)} == rule, field.name
    assert len(ticket_verification_queue(user=actors.community_staff)) == 4  # the handled ones in the west


def test_the_verification_queue_reaches_past_the_first_two_hundred_handled_tickets(bulk_tickets, actors, client):
    now = timezone.now()
    bulk_tickets(205, reporter=actors.street_coordinator, due_at=now, **HANDLED)  # not the grid worker's to verify
    mine = bulk_tickets(3, due_at=now + timedelta(hours=1), **HANDLED)
    client.force_login(actors.grid_worker)
    page = client.get("/tickets/verify/")
    assert {t.pk for t in page.context["tickets"]} == {t.pk for t in mine}
