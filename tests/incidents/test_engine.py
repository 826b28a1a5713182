"""The shared workflow engine (govportal.workflow) as work orders use it: every move names its actor,
the system only makes the moves the table grants it, and numbers come from one service."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from govportal.workflow import System, numbers_reserve
from incidents import services
from incidents.models import TicketNumberCounter
from incidents.workflow import TICKETS
from mediation.models import CaseNumberCounter

REFERRAL = System("a referral")


@pytest.fixture
def accepted(report, actors):
    return services.ticket_accept(ticket_id=report().pk, actor=actors.community_staff)


def test_a_move_without_an_actor_is_a_programming_error(accepted):
    with pytest.raises(TypeError):
        TICKETS.apply(accepted.pk, "suspend", actor=None)
    assert accepted.events.count() == 3  # report, route, accept


def test_the_system_makes_only_the_moves_the_table_grants_it(accepted):
    for person_only in ("dispatch", "escalate", "request_extension"):
        with pytest.raises(PermissionDenied):
            TICKETS.apply(accepted.pk, person_only, actor=REFERRAL)
    suspended = services.ticket_suspend(ticket_id=accepted.pk, actor=REFERRAL, reason="转人民调解")
    assert suspended.status == "suspended"
    event = suspended.events.last()
    assert (event.action, event.actor, event.reason) == ("suspend", None, "转人民调解")


def test_a_person_still_needs_their_party(accepted, actors):
    with pytest.raises(PermissionDenied):  # the grid worker is no dispatcher
        services.ticket_suspend(ticket_id=accepted.pk, actor=actors.grid_worker, reason="等待")


def test_numbers_are_consecutive_per_day_and_per_kind(db):
    day = date(2026, 11, 23)
    assert numbers_reserve(TicketNumberCounter, prefix="SJ", day=day, count=2) == ["SJ202611230001",
                                                                                   "SJ202611230002"]
    assert numbers_reserve(TicketNumberCounter, prefix="SJ", day=day) == ["SJ202611230003"]
    assert numbers_reserve(CaseNumberCounter, prefix="TJ", day=day) == ["TJ202611230001"]
    assert numbers_reserve(TicketNumberCounter, prefix="SJ", day=date(2026, 11, 24)) == ["SJ202611240001"]
    assert numbers_reserve(TicketNumberCounter, prefix="SJ", day=day, count=0) == []
