"""催办 and 督办: an overdue hotline order's unit gets a reminder on the next working day and a written
supervision notice (督办单) 5 working days later, each exactly once even with two sweepers."""

from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from govportal.periods import Period

from hotline.models import OverdueNotice
from hotline.selectors import three_rates_by_unit, three_rates_for_area
from hotline.supervision import overdue_notices_send
from incidents.models import Notification, Ticket, TicketEvent
from incidents.sweeps import overdue_escalate
from tests.concurrency import run_at_once

pytestmark = pytest.mark.dated

CST = ZoneInfo("Asia/Shanghai")
MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=CST)  # no holiday until the week after


@pytest.fixture
def overdue(dispatched):
    """Return a function making hotline orders that miss their deadline on Monday 23 November, 10:05."""

    def make(count=1):
        with time_machine.travel(MONDAY_9AM, tick=False):
            ids = [dispatched().ticket_id for _ in range(count)]
        Ticket.objects.filter(pk__in=ids).update(due_at=MONDAY_9AM + timedelta(hours=1))
        overdue_escalate(now=MONDAY_9AM + timedelta(hours=1, minutes=5))
        return ids

    return make


def test_an_overdue_order_gets_its_reminder_on_the_next_working_day_once(overdue):
    [ticket_id] = overdue()
    assert overdue_notices_send(now=MONDAY_9AM.replace(hour=23)) == {"reminders": 0, "notices": 0}
    tuesday = datetime(2026, 11, 24, 8, 0, tzinfo=CST)
    assert overdue_notices_send(now=tuesday) == {"reminders": 1, "notices": 0}
    assert overdue_notices_send(now=tuesday + timedelta(hours=1)) == {"reminders": 0, "notices": 0}
    ticket = Ticket.objects.get(pk=ticket_id)
    reminder = OverdueNotice.objects.get(ticket=ticket)
    assert (reminder.kind, reminder.unit, reminder.created_at) == ("reminder", ticket.handling_unit, tuesday)
    event = ticket.events.get(action="remind")
    assert (event.from_status, event.to_status, event.unit, event.actor) == (
        ticket.status, ticket.status, ticket.handling_unit, None)
    assert Notification.objects.filter(ticket=ticket, kind="remind", unit=ticket.handling_unit).count() == 1


def test_a_supervision_notice_follows_five_working_days_after_the_reminder(overdue):
    [ticket_id] = overdue()
    overdue_notices_send(now=datetime(2026, 11, 24, 8, 0, tzinfo=CST))  # the reminder, Tuesday
    # Wed, Thu, Fri, Mon are four working days; the weekend does not count.
    assert overdue_notices_send(now=datetime(2026, 11, 30, 23, 0, tzinfo=CST))["notices"] == 0
    assert overdue_notices_send(now=datetime(2026, 12, 1, 8, 0, tzinfo=CST))["notices"] == 1
    assert overdue_notices_send(now=datetime(2026, 12, 2, 8, 0, tzinfo=CST))["notices"] == 0
    assert list(OverdueNotice.objects.filter(ticket_id=ticket_id).values_list("kind", flat=True)) == [
        "reminder", "notice"]
    assert TicketEvent.objects.filter(ticket_id=ticket_id, action="supervision_notice").count() == 1


def test_a_missed_deadline_before_a_weekend_is_reminded_on_monday(dispatched):
    friday = datetime(2026, 11, 27, 16, 0, tzinfo=CST)
    with time_machine.travel(friday, tick=False):
        ticket_id = dispatched().ticket_id
    Ticket.objects.filter(pk=ticket_id).update(due_at=friday)
    overdue_escalate(now=friday + timedelta(minutes=5))
    assert overdue_notices_send(now=datetime(2026, 11, 29, 12, 0, tzinfo=CST))["reminders"] == 0  # Sunday
    assert overdue_notices_send(now=datetime(2026, 11, 30, 8, 0, tzinfo=CST))["reminders"] == 1  # Monday


def test_an_order_handled_in_the_meantime_gets_no_reminder(overdue):
    [ticket_id] = overdue()
    Ticket.objects.filter(pk=ticket_id).update(status=Ticket.Status.HANDLED)
    assert overdue_notices_send(now=datetime(2026, 11, 24, 8, 0, tzinfo=CST))["reminders"] == 0


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweepers_send_each_reminder_and_notice_exactly_once(overdue):
    ids = overdue(count=12)
    tuesday = datetime(2026, 11, 24, 8, 0, tzinfo=CST)
    results = run_at_once(lambda: overdue_notices_send(now=tuesday))
    assert sum(r["reminders"] for r in results) == 12
    results = run_at_once(lambda: overdue_notices_send(now=datetime(2026, 12, 1, 8, 0, tzinfo=CST)))
    assert sum(r["notices"] for r in results) == 12
    assert OverdueNotice.objects.filter(ticket_id__in=ids).count() == 24
    assert TicketEvent.objects.filter(action__in=["remind", "supervision_notice"]).count() == 24
    assert Notification.objects.filter(kind__in=["remind", "supervision_notice"]).count() == 24


def test_reminders_and_notices_are_counted_shown_and_the_notice_printed(overdue, operator, actors, client, tree):
    [ticket_id] = overdue()
    overdue_notices_send(now=datetime(2026, 11, 24, 8, 0, tzinfo=CST))
    overdue_notices_send(now=datetime(2026, 12, 1, 8, 0, tzinfo=CST))
    unit = Ticket.objects.get(pk=ticket_id).handling_unit
    period = Period(date(2026, 11, 24), date(2026, 12, 1))
    assert {k: three_rates_for_area(area_code=tree.district.code, period=period)[k]
            for k in ("reminders", "notices")} == {"reminders": 1, "notices": 1}
    [row] = [row for row in three_rates_by_unit(user=operator, period=period) if row["unit_id"] == unit.pk]
    assert (row["reminders"], row["notices"]) == (1, 1)
    notice = OverdueNotice.objects.get(ticket_id=ticket_id, kind="notice")
    client.force_login(operator)
    panel = client.get(reverse("hotline-ticket", args=[ticket_id])).content.decode()
    assert reverse("hotline-supervision-notice", args=[notice.pk]) in panel
    response = client.get(reverse("hotline-supervision-notice", args=[notice.pk]))
    assert response["Content-Type"] == "application/pdf"
    pdf = PdfReader(BytesIO(response.content))
    text = pdf.pages[0].extract_text()
    assert len(pdf.pages) == 1 and "督" in text and notice.ticket.number in text and unit.name in text
    client.force_login(actors.outsider)
    assert client.get(reverse("hotline-supervision-notice", args=[notice.pk])).status_code == 404
