"""The demo city's history: legal timelines, every state, figures on every page, loaded once, the same every time."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction

from accounts.models import HandlingUnit, User
from dashboards.selectors import area_summary, flow_totals
from govportal import crypto
from govportal.demo_history import City, history_plan
from govportal.periods import Period
from hotline.models import Call
from hotline.selectors import three_rates_for_area
from incidents.catalogue import catalogue_load
from incidents.models import Category, Ticket, TicketEvent
from incidents.workflow import TRANSITIONS
from incidents.worktime import calendar_sync_from_package
from mediation.models import CaseEvent, MediationCase
from mediation.workflow import TRANSITIONS as CASE_TRANSITIONS
from tests.dashboards.raw import raw_figures, rollup_figures

# Not `dated`: the city is loaded, and its figures read, at ANCHOR whatever the session's clock says.
pytestmark = pytest.mark.django_db

# Mid-month, mid-morning on a Monday: the month so far holds two weeks of history.
ANCHOR = datetime(2027, 3, 15, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
DAYS = 30  # enough to cover a month and keep the test quick; seed_demo loads HISTORY_DAYS


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo city, loaded once for the module in a transaction rolled back after its last test; each
    test runs in a savepoint inside it, so what one test writes is gone before the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        catalogue_load(Category)
        calendar_sync_from_package()
        with time_machine.travel(ANCHOR, tick=False):
            call_command("seed_demo", grids=40, history_days=DAYS)
        yield User.objects.select_related("unit__area").get(username="demo_leader").unit.area
        transaction.set_rollback(True)


def _assert_timelines_follow(table, events, owner, first_action, statuses):
    """Each timeline starts with `first_action`, and every later event is a move `table` allows from
    the state the one before left, ending in the state the row holds."""
    timelines = {}
    for event in events.order_by("created_at", "id").values(owner, "action", "from_status", "to_status"):
        timelines.setdefault(event[owner], []).append(event)
    assert timelines.keys() == statuses.keys()
    for pk, (first, *moves) in timelines.items():
        assert (first["action"], first["from_status"]) == (first_action, ""), pk
        previous = first["to_status"]
        for event in moves:
            assert event["from_status"] == previous, (pk, event)
            assert table[event["action"]].allows(event["from_status"], event["to_status"]), (pk, event)
            previous = event["to_status"]
        assert previous == statuses[pk]


def test_every_event_is_a_move_the_table_allows_and_timelines_are_unbroken(seeded):
    _assert_timelines_follow(TRANSITIONS, TicketEvent.objects, "ticket_id", "report",
                             dict(Ticket.objects.values_list("pk", "status")))


def test_mediation_cases_follow_their_table_in_every_state(seeded):
    _assert_timelines_follow(CASE_TRANSITIONS, CaseEvent.objects, "case_id", "register",
                             dict(MediationCase.objects.values_list("pk", "status")))
    assert set(MediationCase.objects.values_list("status", flat=True)) == set(MediationCase.Status.values)


def test_every_state_and_source_is_present_with_overdue_and_rated_orders(seeded):
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Ticket.Status.values)
    assert set(Ticket.objects.values_list("source", flat=True)) == set(Ticket.Source.values)
    assert Ticket.objects.filter(overdue_count__gt=0).exists()
    assert set(Ticket.objects.exclude(satisfaction="").values_list("satisfaction", flat=True)) == set(
        Ticket.Satisfaction.values)
    assert Ticket.objects.count() > 25 * DAYS


def test_orders_sit_where_their_grid_is_and_with_units_of_their_chain(seeded):
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT count(*) FROM incidents_ticket t
              JOIN grids_area g ON g.id = t.grid_id
              JOIN grids_area c ON c.id = g.parent_id
              JOIN grids_area s ON s.id = c.parent_id
             WHERE NOT ST_Intersects(g.geom, t.location) OR t.area_code <> g.code OR t.community_id <> c.id
                OR t.street_id <> s.id OR t.district_id <> s.parent_id""")
        assert cursor.fetchone()[0] == 0
    units = HandlingUnit.objects.in_bulk()
    for ticket in Ticket.objects.filter(idempotency_key__startswith="demo-history-"):
        unit, dispatcher = units[ticket.handling_unit_id], units[ticket.dispatcher_unit_id]
        assert ticket.area_code.startswith(dispatcher.area.code) and dispatcher.kind == "street_office"
        if unit.kind != HandlingUnit.Kind.DEPARTMENT:  # departments serve the district or the whole city
            assert ticket.area_code.startswith(unit.area.code)


def test_personal_numbers_are_sealed(seeded):
    citizen = Ticket.objects.filter(source=Ticket.Source.CITIZEN).first()
    phone = crypto.decrypt(citizen.reporter_phone_encrypted)
    assert len(phone) == 11 and citizen.reporter_phone_masked == f"{phone[:3]}****{phone[-4:]}"
    call = Call.objects.exclude(ticket=None).first()
    assert crypto.blind_index(crypto.decrypt(call.caller_phone_encrypted)) == call.caller_phone_hash


def test_dashboards_and_hotline_rates_show_this_month_and_the_history(seeded):
    today = ANCHOR.date()
    summary = area_summary(area=seeded, today=today)
    assert summary["month"]["reported"] > 0 and summary["month"]["closed"] > 0
    assert summary["month"]["satisfaction_rate"] is not None and summary["open_now"] > 0
    assert summary["mediation"]["concluded"] > 0 and summary["hotline"]["valid_callbacks"] > 0
    history = flow_totals(prefix=seeded.scope_prefix, period=Period(today - timedelta(days=DAYS), today))
    assert history["reported"] > summary["month"]["reported"]
    assert history["overdue"] > 0 and history["dispatched"] > 0 and history["returned"] > 0
    rates = three_rates_for_area(area_code=seeded.code, period=Period.month_to_date(today))
    assert rates["valid_callbacks"] > 0 and 0 < rates["composite"] <= 1
    assert rollup_figures() == raw_figures()  # the rebuilt rollups agree with the stored orders and events


def test_seed_demo_loads_the_history_once(seeded):
    counts = (Ticket.objects.count(), TicketEvent.objects.count(), Call.objects.count(), User.objects.count())
    with time_machine.travel(ANCHOR + timedelta(days=1), tick=False):
        call_command("seed_demo", grids=40, history_days=DAYS)
    assert (Ticket.objects.count(), TicketEvent.objects.count(), Call.objects.count(),
            User.objects.count()) == counts


def _outline(plan):
    return [(p.row["idempotency_key"], p.row["status"], p.row["overdue_count"], p.row["satisfaction"],
             [(e["action"], e["to_status"], e["created_at"]) for e in p.events]) if p.row else
            (p.calls[0]["started_at"], p.calls[0]["content"]) for p in plan]


def test_the_same_moment_gives_the_same_history(seeded):
    with time_machine.travel(ANCHOR, tick=False):
        first = _outline(history_plan(City(), now=ANCHOR, days=DAYS))
        second = _outline(history_plan(City(), now=ANCHOR, days=DAYS))
    assert first == second
    stored = dict(Ticket.objects.filter(idempotency_key__startswith="demo-history-")
                  .values_list("idempotency_key", "status"))
    assert stored == {key: status for key, status, *_ in (o for o in first if len(o) == 5)}
