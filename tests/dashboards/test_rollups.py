"""The rollups equal the figures computed from the raw tickets, after any sequence of ticket events."""

import importlib
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import ProtectedError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import HandlingUnit
from dashboards.models import ALL_CATEGORIES, DailyFlow
from dashboards.services import rollups_fold, rollups_rebuild
from dashboards.tasks import fold_rollups
from govportal.errors import DomainConflict, DomainInputError
from incidents import services
from incidents.models import Ticket
from incidents.sweeps import overdue_escalate
from incidents.workflow import TRANSITIONS

from .conftest import START
from .raw import raw_figures, rollup_figures

pytestmark = pytest.mark.dated

_0008 = importlib.import_module("dashboards.migrations.0008_province_prefixes")
PROVINCE_ROWS_ADD, PROVINCE_ROWS_DROP = _0008.PROVINCE_ROWS_SQL, _0008.DROP_PROVINCE_ROWS_SQL

# Categories handled first by the community, by the street, and by two departments.
CODES = ("0102", "0103", "0201", "0204")
ACTIONS = ("accept", "reject", "dispatch", "sign", "start", "return", "escalate", "suspend", "resume", "handle",
           "verify", "verify_fail", "close", "rate", "reopen", "request_extension", "approve_extension", "void")

steps = st.lists(
    st.one_of(
        st.tuples(st.just("report"), st.integers(0, 3), st.sampled_from(CODES)),
        st.tuples(st.just("act"), st.integers(0, 7), st.sampled_from(ACTIONS)),
        st.tuples(st.just("act"), st.integers(0, 7), st.sampled_from(ACTIONS)),
        st.tuples(st.just("sweep"), st.integers(1, 40)),
        st.tuples(st.just("fold"),),
    ),
    max_size=30,
)


def act(ticket, action, staff, departments):
    """Take `action` on `ticket` as someone entitled to it; refusals are part of the game."""
    party = TRANSITIONS[action].party
    if party == "dispatcher":
        unit_id = ticket.dispatcher_unit_id
    elif party == "verifier":
        committee = HandlingUnit.objects.filter(area=ticket.community_id, kind=HandlingUnit.Kind.COMMUNITY_COMMITTEE)
        unit_id = committee.values_list("pk", flat=True).first()
    else:
        unit_id = ticket.handling_unit_id
    actor = staff.get(unit_id)
    if actor is None:
        return
    extra = {
        "reject": {"reason_code": "invalid"}, "dispatch": {"unit": departments[ticket.pk % 2]},
        "return": {"reason_code": "not_our_duty", "reason": "不属本部门"}, "escalate": {"reason": "需上级协调"},
        "suspend": {"reason": "等待天气"}, "handle": {"feedback": "已清理"}, "verify_fail": {"reason": "未清理"},
        "rate": {"satisfaction": ("satisfied", "basically", "unsatisfied")[ticket.pk % 3]},
        "reopen": {"reason": "不满意"}, "request_extension": {"minutes": 600, "reason": "材料未到"},
        "void": {"reason": "重复上报"},
    }.get(action, {})
    try:
        getattr(services, f"ticket_{action}")(ticket_id=ticket.pk, actor=actor, **extra)
    except (DomainConflict, DomainInputError, PermissionDenied):
        pass


def assert_rollups_exact():
    """The rollups equal the raw figures: live, folded, and recomputed from scratch by the rebuild."""
    raw = raw_figures()
    assert rollup_figures(live=True) == raw
    rollups_fold()
    assert rollup_figures(live=False) == raw
    assert deltas_left() == 0
    rollups_rebuild()
    assert rollup_figures(live=False) == raw
    assert deltas_left() == 0


def deltas_left():
    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM dashboards_flowdelta)"
                       " + (SELECT count(*) FROM dashboards_statedelta) + (SELECT count(*) FROM dashboards_unitdelta)")
        return cursor.fetchone()[0]


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(steps=steps)
def test_rollups_equal_raw_figures_after_any_sequence_of_ticket_events(tree, staff, report, steps):
    departments = list(HandlingUnit.objects.filter(kind=HandlingUnit.Kind.DEPARTMENT).order_by("pk"))
    with transaction.atomic(), time_machine.travel(START, tick=False) as clock:
        tickets = []
        for step in steps:
            if step[0] == "report":
                tickets.append(report(tree.grids[step[1]], code=step[2]))
            elif step[0] == "act" and tickets:
                act(Ticket.objects.get(pk=tickets[step[1] % len(tickets)].pk), step[2], staff, departments)
            elif step[0] == "sweep":
                clock.shift(timedelta(hours=step[1]))
                overdue_escalate()
            elif step[0] == "fold":
                rollups_fold()
        assert_rollups_exact()
        transaction.set_rollback(True)


def test_stored_tickets_of_every_kind_are_counted(tree, staff, report, catalogue):
    """A fixed sequence touching every figure: reported, closed on time and late, rated, returned, rejected."""
    departments = list(HandlingUnit.objects.filter(kind=HandlingUnit.Kind.DEPARTMENT).order_by("pk"))
    with time_machine.travel(START, tick=False) as clock:
        on_time = report(tree.grids[0])
        late = report(tree.grids[1], code="0201")
        rejected = report(tree.grids[2])
        street = report(tree.grids[3], code="0103")
        for action in ("accept", "handle", "verify", "close", "rate"):
            act(Ticket.objects.get(pk=on_time.pk), action, staff, departments)
        act(rejected, "reject", staff, departments)
        act(Ticket.objects.get(pk=street.pk), "accept", staff, departments)
        act(Ticket.objects.get(pk=street.pk), "dispatch", staff, departments)
        act(Ticket.objects.get(pk=street.pk), "return", staff, departments)
        clock.shift(timedelta(days=2))
        assert overdue_escalate()["escalated"] >= 1
        figures = raw_figures()
        assert_rollups_exact()
    assert Ticket.objects.get(pk=late.pk).overdue_count == 1
    city = ("4419", 0, START.date())
    satisfaction = {"satisfied": "satisfied", "basically": "basically_satisfied"}.get(
        Ticket.objects.get(pk=on_time.pk).satisfaction)
    expected = {"reported": 4, "closed": 1, "closed_on_time": 1, "rejected": 1, "rated": 1, "dispatched": 2,
                "returned": 1}
    assert figures["flow"][city] == {**expected, **({satisfaction: 1} if satisfaction else {})}
    missed_on = (START + timedelta(days=2)).date()
    assert figures["flow"][("4419", 0, missed_on)] == {"overdue": 2}  # the late one and the returned one
    assert figures["unit"][(late.handling_unit_id, missed_on)] == {"overdue": 1}


def test_the_beat_task_folds_and_is_safe_to_run_twice(tree, report):
    report(tree.grids[0])
    assert fold_rollups() > 0
    assert fold_rollups() == 0  # nothing left to fold
    assert DailyFlow.objects.get(prefix=tree.west_street.code, category_id=ALL_CATEGORIES).reported == 1


def test_a_deleted_ticket_leaves_the_state_figures_and_keeps_its_history(tree, staff, report):
    """Work orders are never deleted by the application (they are voided: Ticket refuses every
    delete); if one is deleted in SQL (the benchmarks clean up so), what it is (reported, open)
    goes, what happened to it (a dispatch) stays counted."""
    with time_machine.travel(START, tick=False):
        report(tree.grids[0])
        deleted = report(tree.grids[2], code="0201")  # routed straight to a department
        with pytest.raises(ProtectedError):
            Ticket.objects.filter(pk=deleted.pk).delete()
        with connection.cursor() as cursor:
            for table in ("incidents_notification", "incidents_routingrequest", "incidents_ticketevent"):
                cursor.execute(f"DELETE FROM {table} WHERE ticket_id = %s", [deleted.pk])
            cursor.execute("DELETE FROM incidents_ticket WHERE id = %s", [deleted.pk])
    rollups_fold()
    city = DailyFlow.objects.get(prefix="4419", category_id=ALL_CATEGORIES, day=START.date())
    assert (city.reported, city.dispatched) == (1, 1)
    assert rollup_figures(live=False)["state"] == raw_figures()["state"]


def test_the_rebuild_command_restores_rollups_lost_with_the_unfolded_deltas(tree, staff, report):
    """A crash empties the UNLOGGED delta tables: what was not folded is missing until a rebuild."""
    departments = list(HandlingUnit.objects.filter(kind=HandlingUnit.Kind.DEPARTMENT).order_by("pk"))
    with time_machine.travel(START, tick=False) as clock:
        first = report(tree.grids[0], code="0103")
        rollups_fold()
        second = report(tree.grids[1])
        for ticket, action in ((first, "accept"), (first, "dispatch"), (first, "return"), (second, "accept")):
            act(Ticket.objects.get(pk=ticket.pk), action, staff, departments)
        clock.shift(timedelta(days=2))
        overdue_escalate()
        raw = raw_figures()
        with connection.cursor() as cursor:  # what a crash does to unlogged tables
            cursor.execute("TRUNCATE dashboards_flowdelta, dashboards_statedelta, dashboards_unitdelta")
        assert rollup_figures(live=True) != raw
        out = StringIO()
        call_command("dashboards_rebuild", stdout=out)
    assert rollup_figures(live=True) == raw
    assert rollup_figures(live=False) == raw
    assert out.getvalue().startswith("Rollups rebuilt: ")


def test_the_province_migration_adds_the_province_rows_of_what_was_folded(tree, province, staff, report):
    """Migration 0008 sums the folded city rows into province rows: the same rows as folding with the province."""
    with time_machine.travel(START, tick=False):
        accepted = report(tree.grids[0])
        report(province.other_grid)
        services.ticket_accept(ticket_id=accepted.pk, actor=staff[accepted.handling_unit_id])
    rollups_fold()
    figures = rollup_figures(live=False)
    assert figures["flow"][("44", ALL_CATEGORIES, START.date())] == {"reported": 2}
    with connection.cursor() as cursor:  # the rollups as they were before the migration
        cursor.execute(PROVINCE_ROWS_DROP)
        cursor.execute(PROVINCE_ROWS_ADD)
    assert rollup_figures(live=False) == figures
