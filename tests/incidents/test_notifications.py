import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from accounts.models import HandlingUnit
from incidents import services
from incidents.models import Notification
from incidents.notifications import DELIVERY, notifications_deliver_pending
from incidents.sweeps import overdue_escalate

pytestmark = pytest.mark.dated


def test_dispatch_notifies_the_department_by_app_email_and_sms(report, actors, caplog,
                                                               django_capture_on_commit_callbacks):
    actors.department_handler.email, actors.department_handler.phone = "handler@example.org", "13900001111"
    actors.department_handler.save()
    department = HandlingUnit.objects.get(department="urban_management")
    ticket = report("0103")
    services.ticket_accept(ticket_id=ticket.pk, actor=actors.street_coordinator)
    Notification.objects.update(delivered_at=timezone.now())  # the routing notice is out already
    DELIVERY.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_dispatch(ticket_id=ticket.pk, actor=actors.street_coordinator, unit=department)
    assert cache.get(DELIVERY.flag) == 1  # the commit queued a delivery run
    notification = Notification.objects.get(ticket=ticket, kind="dispatch")
    assert notification.unit == department and notification.delivered_at is None

    with caplog.at_level(logging.INFO, logger="incidents.sms"):
        assert notifications_deliver_pending() == 1
    assert [m.to for m in mail.outbox] == [["handler@example.org"]]
    assert ticket.number in mail.outbox[0].subject
    assert "SMS to 13900001111" in caplog.text
    assert notifications_deliver_pending() == 0  # delivered once only
    assert len(mail.outbox) == 1


def test_the_actor_is_not_notified_of_their_own_action(report, actors):
    ticket = report()
    services.ticket_accept(ticket_id=ticket.pk, actor=actors.community_staff)
    services.ticket_escalate(ticket_id=ticket.pk, actor=actors.community_staff, reason="需要街道协调")
    kinds = set(Notification.objects.filter(ticket=ticket).values_list("unit", "kind"))
    assert (actors.street_coordinator.unit_id, "escalate") in kinds
    assert (actors.community_staff.unit_id, "escalate") not in kinds


def test_escalation_sweep_notices_are_delivered_by_the_pending_sweep(report, actors):
    actors.street_coordinator.email = "street@example.org"
    actors.street_coordinator.save()
    ticket = report()
    Notification.objects.update(delivered_at=timezone.now())  # the routing notice is out already
    # A minute past the ticket's own deadline, whatever holidays lie between now and then.
    overdue_escalate(now=ticket.due_at + timedelta(minutes=1))
    assert Notification.objects.filter(ticket=ticket, delivered_at__isnull=True).count() == 2
    assert notifications_deliver_pending() == 2
    assert [m.to for m in mail.outbox] == [["street@example.org"]]
    assert ticket.number in mail.outbox[0].body
    assert notifications_deliver_pending() == 0


def test_reading_the_notifications_page_leaves_them_unread(report, actors, client):
    report()
    client.force_login(actors.community_staff)
    page = client.get("/notifications/").content.decode()
    assert "SJ" in page and "全部标为已读" in page
    assert Notification.objects.filter(unit=actors.community_staff.unit, read_at__isnull=True).exists()
    assert not Notification.objects.filter(read_at__isnull=False).exists()
    assert client.get("/notifications/read/").status_code == 405


def test_a_post_marks_one_notice_or_all_of_the_units_notices_read(report, actors):
    from django.test import Client

    for _ in range(3):
        report()
    mine = list(Notification.objects.filter(unit=actors.community_staff.unit).order_by("pk"))
    theirs = Notification.objects.create(unit=actors.street_coordinator.unit, ticket=mine[0].ticket, kind="route")
    client = Client(enforce_csrf_checks=True)
    client.force_login(actors.community_staff)
    assert client.post("/notifications/read/").status_code == 403  # no CSRF token
    token = client.get("/notifications/").cookies["csrftoken"].value

    response = client.post("/notifications/read/", {"notification": mine[0].pk, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    assert [n.pk for n in Notification.objects.filter(read_at__isnull=False)] == [mine[0].pk]
    client.post("/notifications/read/", {"notification": theirs.pk, "csrfmiddlewaretoken": token})
    client.post("/notifications/read/", {"csrfmiddlewaretoken": token})
    assert set(Notification.objects.filter(read_at__isnull=False).values_list("pk", flat=True)) == {
        n.pk for n in mine}  # another unit's notice stays unread
