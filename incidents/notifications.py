"""E-mail and SMS copies of in-app notifications (the in-app rows are written by the workflow).

Each undelivered Notification row is claimed with SKIP LOCKED, sent to the active staff of its
unit who have an e-mail address or phone, and marked delivered in the same transaction, so a
row is delivered once even when a delivery run and the minute sweep meet. Every commit that
writes notices (a workflow action, a routing batch) wakes one coalesced delivery run
(govportal.wakeups): a user gets one message per run, not one per ticket, and a broker outage
only delays the copies until the minute sweep.
"""

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from govportal.wakeups import WakeUp

from .models import Notification
from .sms import sms_gateway

DELIVERY = WakeUp("incidents:delivery-wake-up", "incidents.tasks.deliver_pending_notifications", gather_seconds=1.0)


def notifications_wake_up():
    """Enqueue a delivery run of the undelivered notifications unless one is already queued."""
    DELIVERY.send()


def notification_text(notification):
    """Return the one-line text of a notification."""
    ticket = notification.ticket
    return _("Work order %(number)s: %(action)s — %(category)s, %(address)s") % {
        "number": ticket.number, "action": notification.kind, "category": ticket.category.name,
        "address": ticket.address or ticket.area_code,
    }


def notifications_deliver_pending(*, limit=500):
    """Deliver up to `limit` undelivered notifications, oldest first; return how many."""
    DELIVERY.clear()
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(delivered_at__isnull=True, unit__isnull=False)
            .select_related("ticket__category").order_by("created_at")[:limit]
        )
        if not pending:
            return 0
        by_unit = defaultdict(list)
        for notification in pending:
            by_unit[notification.unit_id].append(notification_text(notification))
        messages, gateway = [], sms_gateway()
        for user in User.objects.filter(is_active=True, unit_id__in=by_unit):
            text = "\n".join(by_unit[user.unit_id])
            subject = by_unit[user.unit_id][0] if len(by_unit[user.unit_id]) == 1 else _(
                "%(count)d work-order notifications") % {"count": len(by_unit[user.unit_id])}
            if user.email:
                messages.append((subject, text, settings.DEFAULT_FROM_EMAIL, [user.email]))
            if user.phone:
                gateway.send(user.phone, subject)
        send_mass_mail(messages, fail_silently=False)
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(delivered_at=timezone.now())
    return len(pending)
