"""并单 (domain.md §4): repeated requests about one matter are merged into one master order.

The duplicate stops its clock and waits, merged, while the master is handled for both: its calls
and citizen are the master's too, the unit's replies reach it (hotline.services.ticket_reply) and,
once the master is closed, its citizen is called back like the master's. Unmerged with a reason,
it goes back where it stood with the time it had left. Both orders' timelines record each step.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Ticket, TicketMerge
from .selectors import ticket_list
from .services import clock_restart, clock_stop
from .workflow import MERGEABLE, MERGING, TICKETS

MASTER_UNKNOWN = _("No open work order you can see has this number.")
MASTER_IS_ITSELF = _("A work order cannot be merged into itself.")


def _master_for(actor, number, duplicate_id):
    master = ticket_list(user=actor).filter(number=(number or "").strip(), status__in=MERGEABLE).first()
    if master is None:
        raise TICKETS.input_error(MASTER_UNKNOWN, "master_number")
    if master.pk == duplicate_id:
        raise TICKETS.input_error(MASTER_IS_ITSELF, "master_number")
    return master


def ticket_merge(*, ticket_id, actor, master_number, reason):
    """Merge the duplicate `ticket_id` into the open order numbered `master_number`; return the duplicate."""
    TICKETS.require_reason(reason)
    master = _master_for(actor, master_number, ticket_id)
    with transaction.atomic():
        # Both rows locked in one order, so two merges of the same pair cannot deadlock.
        list(Ticket.objects.select_for_update().filter(pk__in=[ticket_id, master.pk]).order_by("pk"))

        def change(duplicate):
            clock_stop(duplicate)
            TicketMerge.objects.create(master=master, merged=duplicate, reason=reason, merged_by=actor)

        duplicate = TICKETS.apply(ticket_id, "merge", actor=actor, reason=reason, change=change,
                                  notify=lambda t: [t.handling_unit_id])
        TICKETS.apply(master.pk, "merge_in", actor=MERGING, reason_code=duplicate.number, reason=reason)
    return duplicate


def ticket_unmerge(*, ticket_id, actor, reason):
    """Undo a merge: the duplicate goes back where it stood, with the time it had left; return it."""
    TICKETS.require_reason(reason)
    with transaction.atomic():
        merge = TicketMerge.objects.filter(merged_id=ticket_id, unmerged_at__isnull=True).first()
        locked = [ticket_id] + ([merge.master_id] if merge else [])
        list(Ticket.objects.select_for_update().filter(pk__in=locked).order_by("pk"))

        def change(duplicate):
            clock_restart(duplicate)
            TicketMerge.objects.filter(pk=merge.pk).update(unmerged_at=timezone.now(), unmerge_reason=reason)

        duplicate = TICKETS.apply(ticket_id, "unmerge", actor=actor, reason=reason, change=change,
                                  notify=lambda t: [t.handling_unit_id])
        TICKETS.apply(merge.master_id, "unmerge_out", actor=MERGING, reason_code=duplicate.number, reason=reason)
    return duplicate


def merged_into(ticket):
    """Return the orders merged into `ticket` now, oldest first."""
    return Ticket.objects.filter(merges__master=ticket, merges__unmerged_at__isnull=True).order_by("created_at")
