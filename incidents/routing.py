"""Routing: give each new work order to its first handling unit and start its clock, in batches.

Intake stores the ticket already located (grid → district) with a RoutingRequest row, the
durable record that routing is owed, and wakes the router after commit. One router run claims
pending rows with SKIP LOCKED and routes them set-based: one query for the units of all their
areas, one UPDATE, one INSERT of events and one of notifications per batch, so the cost per
ticket stays flat however fast tickets arrive (docs/benchmarks.md, intake).

Wake-ups are coalesced: a ticket enqueues a router run only if none is queued yet (a Redis
flag). A run clears the flag *before* each claim, so a ticket committed after that claim finds
the flag clear and enqueues the next run, and none is left waiting. A lost message or a broker
outage leaves rows pending; `sweeps.pending_routing_resend` wakes the router again.
"""

import logging

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import HandlingUnit
from grids.models import Area

from .models import ChainLevel, Notification, RoutingRequest, Ticket, TicketEvent
from .workflow import TRANSITIONS
from .worktime import deadline

logger = logging.getLogger(__name__)

ROUTING_BATCH = 200
WAKE_UP_FLAG = "incidents:routing-wake-up"
WAKE_UP_FLAG_TTL = 30  # seconds; a flag whose message was lost expires and the next ticket re-sends
NOT_LOCATED = _("The work order has no grid.")
NO_UNIT_FOR_AREA = _("No handling unit serves this place for this category.")


def routing_wake_up(*, force=False):
    """Enqueue a router run after commit unless one is already queued; tolerate a broker outage."""
    from .tasks import route_pending_tickets

    try:
        if cache.add(WAKE_UP_FLAG, 1, timeout=WAKE_UP_FLAG_TTL) or force:
            route_pending_tickets.delay()
    except Exception as exc:  # noqa: BLE001 - broker or cache down: the rows stay pending for the resend sweep
        logger.warning("Routing not enqueued (%s); pending tickets wait for the resend sweep", exc)
        try:
            cache.delete(WAKE_UP_FLAG)
        except Exception:  # noqa: BLE001 - the flag expires on its own
            pass


def tickets_route_pending(*, batch=ROUTING_BATCH):
    """Route pending tickets batch after batch until none is left; return how many were routed."""
    total = 0
    while True:
        cache.delete(WAKE_UP_FLAG)  # before the claim: see the module docstring
        routed = tickets_route(limit=batch)
        total += routed
        if not routed:
            return total


def tickets_route(*, ticket_ids=None, limit=ROUTING_BATCH):
    """Route up to `limit` pending tickets (or just `ticket_ids`) in one transaction.

    Returns how many pending rows were settled (routed, found already routed, or failed with
    the reason kept on the row). Safe to run concurrently and twice: rows are claimed with
    SKIP LOCKED and a ticket is routed only while it is still REPORTED without a unit.
    """
    now = timezone.now()
    with transaction.atomic():
        pending = RoutingRequest.objects.select_for_update(skip_locked=True).filter(routed_at__isnull=True, error="")
        if ticket_ids is not None:
            pending = pending.filter(pk__in=ticket_ids)
        claimed = list(pending.order_by("created_at").values_list("pk", flat=True)[:limit])
        if not claimed:
            return 0
        tickets = list(
            Ticket.objects.select_for_update(of=("self",)).select_related("category")
            .filter(pk__in=claimed, status__in=TRANSITIONS["route"].sources, handling_unit__isnull=True)
        )
        units = _UnitDirectory(tickets)
        deadlines = {}
        routed, failures = [], {}
        for ticket in tickets:
            unit = units.first_unit(ticket)
            if unit is None:
                failures[ticket.pk] = NOT_LOCATED if ticket.grid_id is None else NO_UNIT_FOR_AREA
                continue
            _give_to_first_unit(ticket, unit, units.street_office(ticket.street_id), now, deadlines)
            routed.append((ticket, unit))
        if routed:
            Ticket.objects.bulk_update(
                [ticket for ticket, _ in routed],
                ["status", "handling_unit", "dispatcher_unit", "due_at", "due_kind", "updated_at"],
            )
            TicketEvent.objects.bulk_create(
                TicketEvent(ticket=ticket, action="route", from_status=Ticket.Status.REPORTED,
                            to_status=ticket.status, unit=unit)
                for ticket, unit in routed
            )
            Notification.objects.bulk_create(Notification(unit=unit, ticket=ticket, kind="route")
                                             for ticket, unit in routed)
            transaction.on_commit(_deliver_notifications)
        for reason in set(failures.values()):
            failed = [pk for pk, failure in failures.items() if failure == reason]
            RoutingRequest.objects.filter(pk__in=failed).update(error=str(reason)[:200], attempts=1)
        RoutingRequest.objects.filter(pk__in=set(claimed) - set(failures)).update(routed_at=now, error="")
    return len(claimed)


def _give_to_first_unit(ticket, unit, dispatcher, now, deadlines):
    """Set the unit, the dispatcher and the first clock of a ticket (memoising deadlines per batch)."""

    def due(minutes):
        key = (minutes, ticket.clock_time)
        if key not in deadlines:
            deadlines[key] = deadline(now, minutes, clock_time=ticket.clock_time)
        return deadlines[key]

    ticket.handling_unit, ticket.dispatcher_unit, ticket.updated_at = unit, dispatcher, now
    if ticket.self_handled:
        ticket.status = Ticket.Status.HANDLED
        ticket.due_at, ticket.due_kind = due(ticket.verify_minutes), Ticket.DueKind.VERIFY
    elif unit.kind == HandlingUnit.Kind.DEPARTMENT:
        ticket.status = Ticket.Status.DISPATCHED
        ticket.due_at, ticket.due_kind = due(ticket.sign_minutes), Ticket.DueKind.SIGN
    else:
        ticket.due_at, ticket.due_kind = due(ticket.sign_minutes), Ticket.DueKind.ACCEPT


class _UnitDirectory:
    """The active units serving the areas of a batch of tickets, read in one query."""

    def __init__(self, tickets):
        district_ids = {ticket.district_id for ticket in tickets if ticket.district_id}
        self.city_of = dict(Area.objects.filter(pk__in=district_ids).values_list("pk", "parent_id"))
        area_ids = {area_id for ticket in tickets
                    for area_id in (ticket.community_id, ticket.street_id, ticket.district_id) if area_id}
        area_ids |= set(self.city_of.values())
        self.units = {}
        for unit in HandlingUnit.objects.filter(is_active=True, area_id__in=area_ids).order_by("pk"):
            department = unit.department if unit.kind == HandlingUnit.Kind.DEPARTMENT else ""
            self.units.setdefault((unit.area_id, unit.kind, department), unit)

    def street_office(self, street_id):
        return self.units.get((street_id, HandlingUnit.Kind.STREET_OFFICE, ""))

    def first_unit(self, ticket):
        """Return the unit that handles `ticket` first: its category's level at its place, else the street."""
        if ticket.grid_id is None:
            return None
        level, unit = ticket.category.first_level, None
        if level == ChainLevel.COMMUNITY:
            unit = self.units.get((ticket.community_id, HandlingUnit.Kind.COMMUNITY_COMMITTEE, ""))
        elif level == ChainLevel.DEPARTMENT:  # the district's department, else the city's
            department = (HandlingUnit.Kind.DEPARTMENT, ticket.category.default_department)
            unit = self.units.get((ticket.district_id, *department)) or self.units.get(
                (self.city_of.get(ticket.district_id), *department))
        return unit or self.street_office(ticket.street_id)


def _deliver_notifications():
    from .tasks import deliver_pending_notifications

    try:
        deliver_pending_notifications.delay()
    except Exception as exc:  # noqa: BLE001 - the minute sweep delivers them
        logger.warning("Notification delivery not enqueued (%s); the minute sweep sends them", exc)
