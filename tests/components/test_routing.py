from components.models import Component, ComponentStateChange
from incidents.models import Ticket
from incidents.routing import tickets_route
from incidents.services import ticket_create, ticket_route

from .conftest import WEST_POINT


def _report(catalogue, actors, **kwargs):
    ticket, _ = ticket_create(source=Ticket.Source.GRID_WORKER, category=catalogue["0202"], description="井盖破损",
                              location=WEST_POINT, reporter=actors.grid_worker, **kwargs)
    return ticket_route(ticket_id=ticket.pk)


def test_a_ticket_naming_a_component_goes_to_its_owner_and_one_without_follows_the_category(
        catalogue, actors, component, urban_management, water):
    cover = component(owner=urban_management)
    named = _report(catalogue, actors, component=cover)
    plain = _report(catalogue, actors)
    assert (named.handling_unit, named.status) == (urban_management, Ticket.Status.DISPATCHED)
    assert plain.handling_unit == water  # 井盖 goes to water affairs by its category
    assert named.component_link.component == cover and not named.component_link.reported_damaged


def test_a_batch_routes_each_ticket_by_its_own_component(catalogue, actors, component, urban_management, water):
    covers = [component(sequence=1, owner=water), component(sequence=2, owner=urban_management)]
    tickets = [ticket_create(source=Ticket.Source.GRID_WORKER, category=catalogue["0202"], description="井盖",
                             location=WEST_POINT, reporter=actors.grid_worker, component=cover)[0] for cover in covers]
    assert tickets_route(ticket_ids=[ticket.pk for ticket in tickets]) == 2
    assert [Ticket.objects.get(pk=t.pk).handling_unit for t in tickets] == [water, urban_management]


def test_an_inactive_owner_leaves_the_ticket_to_the_normal_route(catalogue, actors, component, urban_management, water):
    cover = component(owner=urban_management)
    urban_management.is_active = False
    urban_management.save()
    assert _report(catalogue, actors, component=cover).handling_unit == water


def test_a_report_can_mark_its_component_damaged_once(catalogue, actors, component):
    cover = component()
    first = _report(catalogue, actors, component=cover, component_damaged=True)
    _report(catalogue, actors, component=cover, component_damaged=True)
    cover.refresh_from_db()
    assert cover.state == Component.State.DAMAGED
    change = ComponentStateChange.objects.get(component=cover)
    assert (change.from_state, change.to_state, change.ticket, change.actor) == (
        "good", "damaged", first, actors.grid_worker)
