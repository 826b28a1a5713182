import logging
from datetime import timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings
from django.utils import timezone

from accounts.models import HandlingUnit
from incidents import services
from incidents.models import Notification
from incidents.notifications import (
    CLAIM_TIME, DELIVERY, RETRY_AFTER, notifications_claim, notifications_deliver_pending, notifications_prune,
)
from incidents.sweeps import overdue_escalate
from tests.concurrency import run_at_once

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
    assert "SMS to 139****1111" in caplog.text and "13900001111" not in caplog.text  # no number in a log
    assert notifications_deliver_pending() == 0  # delivered once only
    assert len(mail.outbox) == 1


def test_the_actor_is_not_notified_of_their_own_action(report, actors):
    ticket = report()
    services.ticket_accept(ticket_id=ticket.pk, actor=actors.community_staff)
    services.ticket_escalate(ticket_id=ticket.pk, actor=actors.community_staff, reason="需要街道协调")
    kinds = set(Notification.objects.filter(ticket=ticket).values_list("unit", "kind"))
    assert (actors.street_coordinator.unit_id, "escalate") in kinds
    assert (actors.community_staff.unit_id, "escalate") not in kinds


def test_escalation_sweep_tells_each_unit_once_per_batch_and_delivers_by_the_pending_sweep(report, actors):
    actors.street_coordinator.email = "street@example.org"
    actors.street_coordinator.save()
    first, second = report(), report()
    Notification.objects.update(delivered_at=timezone.now())  # the routing notices are out already
    # A minute past the later deadline, whatever holidays lie between now and then.
    overdue_escalate(now=max(first.due_at, second.due_at) + timedelta(minutes=1))
    both = sorted([first.pk, second.pk])
    digests = Notification.objects.filter(delivered_at__isnull=True)
    assert sorted(digests.values_list("unit", "kind", "digest_ticket_ids")) == sorted([
        (actors.community_staff.unit_id, "overdue", both), (actors.street_coordinator.unit_id, "escalated", both)])
    assert notifications_deliver_pending() == 2
    assert [m.to for m in mail.outbox] == [["street@example.org"]]
    body = mail.outbox[0].body
    assert body.startswith("2 ") and first.number in body and second.number in body
    assert notifications_deliver_pending() == 0


# --- Claim, commit, then send: each copy once (incidents.notifications) ---

class RecordingGateway:
    """An SMS gateway keeping what it sends; it refuses the numbers in `failing`."""

    sent, failing = [], set()

    def send(self, phone, text):
        if phone in self.failing:
            raise ConnectionError("SMS gateway unreachable")
        self.sent.append(phone)


class BrokenEmailBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise SMTPException("mail server down")


@pytest.fixture
def sms():
    RecordingGateway.sent, RecordingGateway.failing = [], set()
    with override_settings(SMS_GATEWAY="tests.incidents.test_notifications.RecordingGateway"):
        yield RecordingGateway


def reachable(user, email="", phone=""):
    user.email, user.phone = email, phone
    user.save()
    return user


def test_an_email_failure_after_the_sms_never_sends_the_sms_again(report, actors, sms):
    reachable(actors.community_staff, "community@example.org", "13900002222")
    ticket = report()  # routed: a notice to the community committee
    start = timezone.now()
    with override_settings(EMAIL_BACKEND="tests.incidents.test_notifications.BrokenEmailBackend"):
        assert notifications_deliver_pending(now=start) == 0
        assert notifications_deliver_pending(now=start + RETRY_AFTER) == 0  # the minute sweep's retry
    assert sms.sent == ["13900002222"]  # once across both runs
    assert Notification.objects.get(ticket=ticket).delivered_at is None

    assert notifications_deliver_pending(now=start + 2 * RETRY_AFTER) == 1  # the mail server is back
    assert sms.sent == ["13900002222"]
    assert [m.to for m in mail.outbox] == [["community@example.org"]]
    assert notifications_deliver_pending(now=start + 3 * RETRY_AFTER) == 0


def test_a_failed_send_waits_for_the_sweep_a_minute_later(report, actors, sms):
    reachable(actors.community_staff, phone="13900002222")
    report()
    sms.failing = {"13900002222"}
    start = timezone.now()
    assert notifications_deliver_pending(now=start) == 0
    sms.failing = set()
    assert notifications_deliver_pending(now=start + RETRY_AFTER / 2) == 0  # not yet
    assert notifications_deliver_pending(now=start + RETRY_AFTER) == 1
    assert sms.sent == ["13900002222"]


def test_a_retry_sends_only_to_the_people_it_missed(report, actors, sms):
    reachable(actors.community_staff, phone="13900002222")
    reachable(actors.grid_worker, phone="13900003333")  # the same committee
    ticket = report()
    sms.failing = {"13900003333"}
    start = timezone.now()
    assert notifications_deliver_pending(now=start) == 0
    assert Notification.objects.get(ticket=ticket).sms_sent_to == [actors.community_staff.pk]
    sms.failing = set()
    assert notifications_deliver_pending(now=start + RETRY_AFTER) == 1
    assert sorted(sms.sent) == ["13900002222", "13900003333"]


def test_a_claimed_notice_is_left_to_its_run_until_the_claim_runs_out(report, actors, sms):
    reachable(actors.community_staff, phone="13900002222")
    report()
    start = timezone.now()
    assert len(notifications_claim(limit=10, now=start)) == 1  # a run that then died
    assert notifications_deliver_pending(now=start) == 0
    assert sms.sent == []
    assert notifications_deliver_pending(now=start + CLAIM_TIME) == 1
    assert sms.sent == ["13900002222"]


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_notice_once(report, actors, sms):
    reachable(actors.community_staff, "community@example.org", "13900002222")
    tickets = [report() for _ in range(12)]

    def deliver_all():
        delivered = 0
        while count := notifications_deliver_pending(limit=3):
            delivered += count
        return delivered

    assert sum(run_at_once(deliver_all)) == 12
    bodies = "\n".join(m.body for m in mail.outbox)
    assert all(bodies.count(ticket.number) == 1 for ticket in tickets)
    assert len(sms.sent) == len(mail.outbox)  # one SMS and one e-mail per message
    staff = [actors.community_staff.pk]
    assert all(copies == (staff, staff) for copies in Notification.objects.values_list("sms_sent_to", "email_sent_to"))


# --- Retention ---

@override_settings(NOTIFICATION_RETENTION_DAYS=30)
def test_delivered_notices_past_their_retention_are_deleted_in_batches(report, actors):
    for _ in range(5):
        report()
    now = timezone.now()
    notices = list(Notification.objects.order_by("pk"))
    old_delivered, old_undelivered, recent = notices[:3], notices[3], notices[4]
    Notification.objects.filter(pk__in=[n.pk for n in old_delivered]).update(
        created_at=now - timedelta(days=31), delivered_at=now - timedelta(days=31))
    Notification.objects.filter(pk=old_undelivered.pk).update(created_at=now - timedelta(days=400))
    Notification.objects.filter(pk=recent.pk).update(created_at=now - timedelta(days=29), delivered_at=now)

    assert notifications_prune(now=now, batch_size=2) == 3
    assert set(Notification.objects.values_list("pk", flat=True)) == {old_undelivered.pk, recent.pk}
    assert notifications_prune(now=now) == 0


def test_reading_the_notifications_page_leaves_them_unread(report, actors, client):
    report()
    client.force_login(actors.community_staff)
    page = client.get("/notifications/unit/").content.decode()
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

    response = client.post("/notifications/read/", {"feed": "unit", "notification": mine[0].pk,
                                                    "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == "/notifications/unit/"
    assert [n.pk for n in Notification.objects.filter(read_at__isnull=False)] == [mine[0].pk]
    client.post("/notifications/read/", {"feed": "unit", "notification": theirs.pk, "csrfmiddlewaretoken": token})
    client.post("/notifications/read/", {"feed": "mine", "csrfmiddlewaretoken": token})  # none in person
    assert [n.pk for n in Notification.objects.filter(read_at__isnull=False)] == [mine[0].pk]
    client.post("/notifications/read/", {"feed": "unit", "csrfmiddlewaretoken": token})
    assert set(Notification.objects.filter(read_at__isnull=False).values_list("pk", flat=True)) == {
        n.pk for n in mine}  # another unit's notice stays unread
    response = client.post("/notifications/read/", {"feed": "everyone", "csrfmiddlewaretoken": token}, follow=True)
    assert response.redirect_chain[-1][0] == "/notifications/"  # an unknown feed changes nothing, says why
    assert any("everyone" in str(message) for message in response.context["messages"])


def test_a_notice_in_person_reaches_that_person_only_by_email(report, actors):
    actors.grid_worker.email, actors.community_staff.email = "grid@example.org", "community@example.org"
    actors.grid_worker.save()
    actors.community_staff.save()
    ticket = report()
    services.ticket_accept(ticket_id=ticket.pk, actor=actors.community_staff)
    Notification.objects.update(delivered_at=timezone.now())  # the routing notice is out already
    services.ticket_handle(ticket_id=ticket.pk, actor=actors.community_staff, feedback="已清理")
    assert notifications_deliver_pending() == 1
    assert [m.to for m in mail.outbox] == [["grid@example.org"]]
    assert ticket.number in mail.outbox[0].subject
