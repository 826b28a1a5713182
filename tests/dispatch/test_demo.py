"""The demo city shows the dispatch rules: a catalogue, a co-handled order and an objection re-dispatched."""

from django.core.management import call_command

from accounts.models import HandlingUnit, User
from dispatch.models import CoHandler, DispatchEntry, DispatchObjection
from grids.models import Area
from incidents.selectors import ticket_list


def test_demo_shows_a_catalogue_a_co_handled_order_and_a_redispatched_objection(db):
    call_command("seed_demo", grids=90, history_days=0)

    districts = Area.objects.filter(level=Area.Level.DISTRICT).count()
    assert HandlingUnit.objects.filter(kind=HandlingUnit.Kind.DISTRICT_GOVERNMENT).count() == districts
    assert DispatchEntry.objects.in_force().count() == 3
    co_handler = CoHandler.objects.get()
    assert co_handler.feedback_at is not None and co_handler.ticket.handling_unit != co_handler.unit
    objection = DispatchObjection.objects.get()
    assert objection.outcome == DispatchObjection.Outcome.REDISPATCHED
    assert objection.ticket.handling_unit == objection.new_unit != objection.unit
    handler = User.objects.get(username="demo_handler")  # urban management: it co-handles the manhole
    assert ticket_list(user=handler).filter(pk=co_handler.ticket_id).exists()

    call_command("seed_demo", grids=90, history_days=0)  # idempotent
    assert DispatchEntry.objects.count() == 3 and CoHandler.objects.count() == 1
