"""挂账: a verified matter that cannot be solved now goes on the register with a reason and a review
date, leaves the overdue counts and reminders, and is reviewed when its date comes."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hotline.supervision import overdue_notices_send
from incidents.models import Notification, RegisterEntry, Ticket
from incidents.register import (
    REVIEW_DATE_IN_FUTURE, register_reviews_remind, ticket_park, ticket_register_review, ticket_unpark,
)
from incidents.services import ticket_accept
from incidents.sweeps import overdue_escalate
from govportal.workflow import WorkflowInputError

pytestmark = pytest.mark.dated

CST = ZoneInfo("Asia/Shanghai")
MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=CST)


@pytest.fixture
def accepted(dispatched, actors):
    """An ordinary hotline order that the west community accepted on Monday 23 November, 9:00."""
    with time_machine.travel(MONDAY_9AM, tick=False):
        call = dispatched()
        return ticket_accept(ticket_id=call.ticket_id, actor=actors.community_staff)


def park(ticket, actor, review_on=date(2027, 3, 1)):
    with time_machine.travel(MONDAY_9AM + timedelta(hours=2), tick=False):
        return ticket_park(ticket_id=ticket.pk, actor=actor, reason_kind="funds", reason="改造资金列入明年预算",
                           review_on=review_on)


def test_a_parked_matter_stops_its_clock_and_leaves_the_overdue_counts_and_reminders(accepted, actors, client):
    parked = park(accepted, actors.leader)
    assert parked.status == Ticket.Status.PARKED and parked.due_at is None and parked.paused_minutes_left
    entry = RegisterEntry.objects.get(ticket=parked)
    assert (entry.reason_kind, entry.review_on, entry.registered_by) == ("funds", date(2027, 3, 1), actors.leader)
    assert parked.events.get(action="park").reason_code == "funds"
    # A year later nothing is overdue, reminded or counted open.
    later = MONDAY_9AM + timedelta(days=60)
    assert overdue_escalate(now=later) == {"escalated": 0, "marked_overdue": 0}
    assert overdue_notices_send(now=later) == {"reminders": 0, "notices": 0}
    assert parked.status not in Ticket.OPEN_STATUSES
    client.force_login(actors.leader)
    page = client.get(reverse("hotline-register")).content.decode()
    assert parked.number in page and "2027-03-01" in page


def test_the_register_needs_a_reason_a_future_review_date_and_a_registrar(accepted, actors):
    with pytest.raises(WorkflowInputError, match=str(REVIEW_DATE_IN_FUTURE)):
        park(accepted, actors.leader, review_on=date(2026, 11, 23))
    with pytest.raises(WorkflowInputError):
        ticket_park(ticket_id=accepted.pk, actor=actors.leader, reason_kind="funds", reason=" ",
                    review_on=date(2027, 3, 1))
    for user in (actors.community_staff, actors.street_coordinator, actors.outsider):
        with pytest.raises(PermissionDenied):
            park(accepted, user)
    assert not RegisterEntry.objects.exists()


def test_the_review_date_brings_one_reminder_and_a_review_sets_the_next(accepted, actors):
    park(accepted, actors.leader, review_on=date(2027, 3, 1))
    assert register_reviews_remind(today=date(2027, 2, 28)) == 0
    assert register_reviews_remind(today=date(2027, 3, 1)) == 1
    assert register_reviews_remind(today=date(2027, 3, 2)) == 0  # once per review date
    assert Notification.objects.filter(ticket=accepted, user=actors.leader, kind="register_review_due").count() == 1
    with time_machine.travel(datetime(2027, 3, 2, 10, 0, tzinfo=CST), tick=False):
        ticket_register_review(ticket_id=accepted.pk, actor=actors.leader, reason="预算仍未下达",
                               review_on=date(2027, 6, 1))
    assert RegisterEntry.objects.get(ticket=accepted).review_on == date(2027, 6, 1)
    assert register_reviews_remind(today=date(2027, 6, 1)) == 1


def test_a_lifted_matter_goes_back_to_work_with_the_time_it_had_left(accepted, actors):
    parked = park(accepted, actors.leader)
    back_at = datetime(2027, 3, 1, 9, 0, tzinfo=CST)
    with time_machine.travel(back_at, tick=False):
        ticket = ticket_unpark(ticket_id=accepted.pk, actor=actors.leader, reason="资金已到位")
    assert ticket.status == Ticket.Status.ACCEPTED and ticket.due_kind == Ticket.DueKind.HANDLE
    assert ticket.due_at > back_at and ticket.paused_minutes_left is None
    assert RegisterEntry.objects.get(ticket=parked).lifted_at == back_at
    assert register_reviews_remind(today=date(2027, 3, 1)) == 0  # lifted: no review
