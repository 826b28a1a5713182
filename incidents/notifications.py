"""E-mail and SMS copies of in-app notifications (the in-app rows are written by the workflow)."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from .models import Notification
from .sms import sms_gateway


def notification_text(ticket, kind):
    """Return the one-line text of a notification."""
    return _("Work order %(number)s: %(action)s — %(category)s, %(address)s") % {
        "number": ticket.number, "action": kind, "category": ticket.category.name,
        "address": ticket.address or ticket.area_code,
    }


def notifications_deliver(*, ticket_id, action):
    """Send e-mail and SMS for the undelivered notifications of one action; return how many."""
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(ticket_id=ticket_id, kind=action, delivered_at__isnull=True)
            .select_related("ticket__category")
        )
        if not pending:
            return 0
        recipients = User.objects.filter(is_active=True).filter(
            unit_id__in=[n.unit_id for n in pending if n.unit_id]
        )
        ticket = pending[0].ticket
        text = notification_text(ticket, action)
        send_mass_mail(
            [(text, text, settings.DEFAULT_FROM_EMAIL, [user.email]) for user in recipients if user.email],
            fail_silently=False,
        )
        gateway = sms_gateway()
        for user in recipients:
            if user.phone:
                gateway.send(user.phone, text)
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(delivered_at=timezone.now())
    return len(pending)
