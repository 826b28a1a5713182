"""E-mail and SMS copies of in-app notifications (the in-app rows are written by the workflow).

A delivery run claims undelivered Notification rows and commits the claim before it sends
anything, so a slow or failing channel never holds locks nor undoes what went out already:

1. Claim: one conditional UPDATE … FOR UPDATE SKIP LOCKED sets `claimed_until` on a batch of
   notices that are neither delivered nor held by another run, and commits. Two runs (a wake-up
   and the minute sweep) never take the same notice while the claim lasts.
2. Send, channel by channel (SMS, then e-mail): each person addressed, in person or through
   their unit, gets one message per run covering their notices. After each message the notices record the person in that
   channel's `*_sent_to` list, committed at once, so a retry never repeats a copy recorded there.
3. A notice with every copy out is marked delivered. One with a failed send keeps its claim for
   RETRY_AFTER; then a later run (the minute sweep) sends only the copies still missing.

The one duplicate left is a crash between a send and its record: the copy goes again when the
claim runs out. (Nothing can record a send and make it in one step.)

Every commit that writes notices (a workflow action, a routing batch) wakes one coalesced delivery
run (govportal.wakeups): a user gets one message per run, not one per ticket, and a broker outage
only delays the copies until the minute sweep.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import BigIntegerField, F, Func, Q, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from govportal.wakeups import WakeUp

from .models import Notification
from .selectors import digest_tickets_attach
from .sms import sms_gateway

logger = logging.getLogger(__name__)

DELIVERY = WakeUp("incidents:delivery-wake-up", "incidents.tasks.deliver_pending_notifications", gather_seconds=1.0)
# Longer than any run takes to send a batch: a claim that runs out lets another run send the
# copies not recorded yet, so a run still sending would duplicate them.
CLAIM_TIME = timedelta(minutes=10)
RETRY_AFTER = timedelta(minutes=1)  # after a failed send; the minute sweep then tries again

_CLAIM_SQL = """
    UPDATE incidents_notification SET claimed_until = %s
     WHERE id IN (SELECT id FROM incidents_notification
                   WHERE delivered_at IS NULL
                     AND (claimed_until IS NULL OR claimed_until <= %s)
                   ORDER BY created_at
                   LIMIT %s
                     FOR UPDATE SKIP LOCKED)
 RETURNING id
"""
_PRUNE_SQL = """
    DELETE FROM incidents_notification
     WHERE id IN (SELECT id FROM incidents_notification
                   WHERE delivered_at IS NOT NULL AND created_at < %s
                   ORDER BY created_at
                   LIMIT %s
                     FOR UPDATE SKIP LOCKED)
"""


@dataclass(frozen=True)
class Channel:
    """A way a copy goes out: the User field it goes to and the Notification field recording whom it reached."""

    name: str
    address: str
    record: str


SMS = Channel("SMS", "phone", "sms_sent_to")
EMAIL = Channel("E-mail", "email", "email_sent_to")


def notifications_wake_up():
    """Enqueue a delivery run of the undelivered notifications unless one is already queued."""
    DELIVERY.send()


def notification_text(notification):
    """Return the one-line text of a notification (a digest names how many work orders, not which)."""
    if notification.text:  # written by the module that sent it
        return notification.text
    if notification.ticket_id is None:  # a digest, its work orders attached (selectors.digest_tickets_attach)
        numbers = ", ".join(number for _pk, number in notification.digest_tickets)
        more = " …" if notification.ticket_count > len(notification.digest_tickets) else ""
        return ngettext("%(count)d work order: %(action)s — %(numbers)s",
                        "%(count)d work orders: %(action)s — %(numbers)s", notification.ticket_count) % {
            "count": notification.ticket_count, "action": notification.kind, "numbers": numbers + more,
        }
    ticket = notification.ticket
    return _("Work order %(number)s: %(action)s — %(category)s, %(address)s") % {
        "number": ticket.number, "action": notification.kind, "category": ticket.category.name,
        "address": ticket.address or ticket.area_code,
    }


def notifications_claim(*, limit, now):
    """Claim up to `limit` undelivered notices no other run holds, oldest first, and commit; return their ids."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_CLAIM_SQL, [now + CLAIM_TIME, now, limit])
        return [row[0] for row in cursor.fetchall()]


def notifications_deliver_pending(*, limit=500, now=None):
    """Send the missing copies of up to `limit` undelivered notices, oldest first; return how many are now delivered."""
    DELIVERY.clear()
    now = now or timezone.now()
    ids = notifications_claim(limit=limit, now=now)
    if not ids:
        return 0
    by_unit, by_user = defaultdict(list), defaultdict(list)
    for notification in digest_tickets_attach(list(
        Notification.objects.filter(pk__in=ids).select_related("ticket__category").order_by("created_at")
    )):
        if notification.user_id is not None:
            by_user[notification.user_id].append(notification)
        else:
            by_unit[notification.unit_id].append(notification)
    staff = list(User.objects.filter(Q(unit_id__in=by_unit) | Q(pk__in=by_user), is_active=True).order_by("pk"))
    # A unit's notices go to its staff of the case work, not to an account still waiting for its role.
    notices_of = {user.pk: (by_unit.get(user.unit_id, []) if user.role in User.BUSINESS_ROLES else [])
                  + by_user.get(user.pk, []) for user in staff}
    gateway, mailer, failed = sms_gateway(), get_connection(), set()

    def send_email(user, subject, body):
        mailer.open()  # once: an open connection stays open
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], connection=mailer).send()

    try:
        failed |= _copies_send(SMS, notices_of, staff, lambda user, subject, body: gateway.send(user.phone, subject))
        failed |= _copies_send(EMAIL, notices_of, staff, send_email)
    finally:
        mailer.close()
    delivered = [pk for pk in ids if pk not in failed]
    Notification.objects.filter(pk__in=delivered).update(delivered_at=now, claimed_until=None)
    if failed:
        Notification.objects.filter(pk__in=failed).update(claimed_until=now + RETRY_AFTER)
    return len(delivered)


def _copies_send(channel, notices_of, staff, send):
    """Send each person one message of their notices (their unit's and their own) still missing on
    `channel`, recording each message as it goes; return the ids of the notices whose message failed."""
    failed = set()
    for user in staff:
        if not getattr(user, channel.address):
            continue
        missing = [n for n in notices_of[user.pk] if user.pk not in (getattr(n, channel.record) or ())]
        if not missing:
            continue
        texts = [notification_text(n) for n in missing]
        subject = texts[0] if len(texts) == 1 else _("%(count)d work-order notifications") % {"count": len(texts)}
        try:
            send(user, subject, "\n".join(texts))
        except Exception:  # noqa: BLE001 - recorded as failed; the minute sweep retries the missing copies
            logger.warning("%s to user %s failed; the minute sweep retries it", channel.name, user.pk, exc_info=True)
            failed.update(n.pk for n in missing)
            continue
        Notification.objects.filter(pk__in=[n.pk for n in missing]).update(**{channel.record: Func(
            F(channel.record), Cast(Value(user.pk), BigIntegerField()), function="array_append",
            output_field=ArrayField(BigIntegerField()),
        )})
    return failed


def notifications_prune(*, now=None, batch_size=10_000):
    """Delete delivered notices older than NOTIFICATION_RETENTION_DAYS, a batch per transaction; return how many.

    Set-based: each batch is one DELETE of the oldest delivered notices (notification_delivered_idx),
    so the table is never locked for long. Undelivered ones stay, whatever their age.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    deleted = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_PRUNE_SQL, [cutoff, batch_size])
            batch = cursor.rowcount
        deleted += batch
        if batch < batch_size:
            return deleted
