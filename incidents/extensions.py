"""The citizen is told when a work order's limit is extended (延期, domain.md §4): an SMS through the
gateway to every citizen the order answers — its reporter, the hotline's callers, and those of the
orders merged into it — sent after the approval commits."""

import logging

from django.apps import apps
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from govportal import crypto

from .models import Ticket
from .sms import sms_gateway

logger = logging.getLogger(__name__)

EXTENSION_SMS = _("The time to handle your request %(number)s has been extended to %(due)s. "
                  "We keep following it up. 12345")


def citizen_phones(ticket):
    """Return the phone numbers of the citizens `ticket` answers (decrypted, for sending only).

    The hotline's calls are looked up by name: the hotline depends on work orders, not the other way.
    """
    orders = [ticket, *Ticket.objects.filter(merges__master=ticket, merges__unmerged_at__isnull=True)]
    sealed = [order.reporter_phone_encrypted for order in orders if order.reporter_phone_encrypted]
    calls = apps.get_model("hotline", "Call").objects.filter(ticket__in=orders)
    sealed += calls.values_list("caller_phone_encrypted", flat=True)
    return sorted({crypto.decrypt(value) for value in sealed})


def extension_citizens_tell(ticket_id):
    """Send the extension SMS of the order `ticket_id` to its citizens; a failed send is logged, not raised."""
    ticket = Ticket.objects.get(pk=ticket_id)
    if ticket.due_at is None:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        text = str(EXTENSION_SMS % {"number": ticket.number,
                                    "due": f"{timezone.localtime(ticket.due_at):%Y-%m-%d %H:%M}"})
    gateway, sent = sms_gateway(), 0
    for phone in citizen_phones(ticket):
        try:
            gateway.send(phone, text)
            sent += 1
        except Exception:  # the gateway's own errors: the approval stands
            logger.exception("The SMS gateway failed to send an extension notice")
    return sent
