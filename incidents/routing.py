"""Routing: give each new work order to its first handling unit and start its clock, in batches.

Intake stores the ticket already located (grid → district) with a RoutingRequest row, the
durable record that routing is owed, and wakes the router after commit. One router run claims
pending rows with SKIP LOCKED and routes them set-based: one query for the units of all their
areas, two for the dispatch catalogue's lines, one for the operators' overrides, one UPDATE, one
INSERT of events, of co-handlers and of notifications per batch, so the cost per ticket stays
flat however fast tickets arrive (docs/benchmarks.md, intake).

Who takes a ticket (docs/dispatch-catalogue.md): the unit the operator chose over the catalogue's
proposal, else the owner unit of the city component it names (a facility's fault goes to whoever
maintains it), else the catalogue's most specific line (with its co-handlers), else the category's
first level at the place, else — 首接负责 — the district government of the place, which must take it.

Wake-ups are coalesced (govportal.wakeups): a ticket enqueues a router run only if none is
queued yet, and that run starts a moment later, so the tickets arriving meanwhile share it. A
lost message or a broker outage leaves rows pending; `sweeps.pending_routing_resend` wakes the
router again.
"""

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import HandlingUnit
from components.selectors import owner_units_of
from dispatch.catalogue import CatalogueLines, co_units_of
from dispatch.models import CoHandler, DispatchOverride
from govportal.wakeups import WakeUp
from grids.models import Area

from .models import ChainLevel, Notification, RoutingRequest, Ticket, TicketEvent
from .notifications import notifications_wake_up
from .workflow import TRANSITIONS
from .worktime import deadline

ROUTING_BATCH = 200
ROUTE = TRANSITIONS["route"]
# The router's ends, from the table: the first unit accepts (a community or street), a department
# signs for it, a self-handled report awaits checking.
FOR_ACCEPTANCE, FOR_SIGNING, FOR_CHECKING = ROUTE.target, *ROUTE.also_to
ROUTER = WakeUp("incidents:routing-wake-up", "incidents.tasks.route_pending_tickets", gather_seconds=0.3)
NOT_LOCATED = _("The work order has no grid.")
NO_UNIT_FOR_AREA = _("No handling unit serves this place for this category.")


def routing_wake_up(*, force=False):
    """Enqueue a router run after commit unless one is already queued; tolerate a broker outage."""
    ROUTER.send(force=force)


def tickets_route_pending(*, batch=ROUTING_BATCH):
    """Route the pending tickets; return how many were routed.

    Claims batch after batch while they come full; a smaller batch means every ticket committed
    before this run's start is routed, and later ones have queued the next run.
    """
    ROUTER.clear()
    total = 0
    while True:
        routed = tickets_route(limit=batch)
        total += routed
        if routed < batch:
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
            .filter(pk__in=claimed, status__in=ROUTE.sources, handling_unit__isnull=True)
            .only("status", "grid_id", "community_id", "street_id", "district_id", "self_handled", "clock_time",
                  "sign_minutes", "handle_minutes", "verify_minutes", "category__first_level",
                  "category__default_department", "category__parent")
        )
        units = _UnitDirectory(tickets, now)
        deadlines = {}
        routed, failures, co_handlers = [], {}, []
        for ticket in tickets:
            unit, line = units.first_unit(ticket)
            if unit is None:
                failures[ticket.pk] = NOT_LOCATED if ticket.grid_id is None else NO_UNIT_FOR_AREA
                continue
            give_to_first_unit(ticket, unit, units.street_office(ticket.street_id), now, deadlines)
            routed.append((ticket, unit))
            co_handlers += co_handlers_for(ticket, co_units_of(line, unit), now, deadlines)
        if routed:
            _tickets_save_routing([ticket for ticket, _ in routed], now)
            CoHandler.objects.bulk_create(co_handlers)
            TicketEvent.objects.bulk_create(
                TicketEvent(ticket=ticket, action="route", from_status=ROUTE.sources[0],
                            to_status=ticket.status, unit=unit)
                for ticket, unit in routed
            )
            Notification.objects.bulk_create(
                [Notification(unit=unit, ticket=ticket, kind="route") for ticket, unit in routed]
                + [Notification(unit=co.unit, ticket=co.ticket, kind="co_assign") for co in co_handlers])
            transaction.on_commit(notifications_wake_up)
        for reason in set(failures.values()):
            failed = [pk for pk, failure in failures.items() if failure == reason]
            RoutingRequest.objects.filter(pk__in=failed).update(error=str(reason)[:200], attempts=1)
        RoutingRequest.objects.filter(pk__in=set(claimed) - set(failures)).update(routed_at=now, error="")
    return len(claimed)


# bulk_update() would build a CASE per field and row: most of a batch's Python time.
_ROUTE_SQL = """
    UPDATE incidents_ticket t
       SET status = v.status, handling_unit_id = v.unit, dispatcher_unit_id = v.dispatcher, due_at = v.due,
           due_kind = v.kind, updated_at = %s
      FROM unnest(%s::bigint[], %s::text[], %s::bigint[], %s::bigint[], %s::timestamptz[], %s::text[])
           AS v(id, status, unit, dispatcher, due, kind)
     WHERE t.id = v.id
"""


def _tickets_save_routing(tickets, now):
    """Write the routing fields of `tickets` in one statement."""
    columns = zip(*((t.pk, t.status, t.handling_unit_id, t.dispatcher_unit_id, t.due_at, t.due_kind)
                    for t in tickets))
    with connection.cursor() as cursor:
        cursor.execute(_ROUTE_SQL, [now, *map(list, columns)])


def _due(ticket, minutes, now, deadlines):
    """Return the deadline `minutes` after `now` on the ticket's clock, memoised in `deadlines` per batch."""
    key = (minutes, ticket.clock_time)
    if key not in deadlines:
        deadlines[key] = deadline(now, minutes, clock_time=ticket.clock_time)
    return deadlines[key]


# Units that sign for a work order (a department, the district government); the others accept it.
SIGNING_KINDS = (HandlingUnit.Kind.DEPARTMENT, HandlingUnit.Kind.DISTRICT_GOVERNMENT)


def give_to_first_unit(ticket, unit, dispatcher, now, deadlines):
    """Set the unit, the dispatcher and the first clock of a ticket (memoising deadlines per batch):
    the router's change, and the re-dispatch's (改派: the clock restarts for the new unit)."""

    def due(minutes):
        return _due(ticket, minutes, now, deadlines)

    ticket.handling_unit, ticket.dispatcher_unit, ticket.updated_at = unit, dispatcher, now
    if ticket.self_handled:
        ticket.status = FOR_CHECKING
        ticket.due_at, ticket.due_kind = due(ticket.verify_minutes), Ticket.DueKind.VERIFY
    elif unit.kind in SIGNING_KINDS:
        ticket.status = FOR_SIGNING
        ticket.due_at, ticket.due_kind = due(ticket.sign_minutes), Ticket.DueKind.SIGN
    else:
        ticket.status = FOR_ACCEPTANCE
        ticket.due_at, ticket.due_kind = due(ticket.sign_minutes), Ticket.DueKind.ACCEPT


def co_handlers_for(ticket, units, now, deadlines):
    """Return the unsaved co-handling rows of `ticket` for `units`, each with its own clock from `now`:
    sign for it like a first unit, give its feedback within the ticket's handling time."""
    return [CoHandler(ticket=ticket, unit=unit, assigned_at=now,
                      sign_due_at=_due(ticket, ticket.sign_minutes, now, deadlines),
                      feedback_due_at=_due(ticket, ticket.handle_minutes, now, deadlines))
            for unit in units]


class _UnitDirectory:
    """The active units serving the areas of a batch of tickets, read in one query, with the dispatch
    catalogue's lines for them and the operators' choices."""

    def __init__(self, tickets, now):
        district_ids = {ticket.district_id for ticket in tickets if ticket.district_id}
        self.city_of = dict(Area.objects.filter(pk__in=district_ids).values_list("pk", "parent_id"))
        area_ids = {area_id for ticket in tickets
                    for area_id in (ticket.community_id, ticket.street_id, ticket.district_id) if area_id}
        area_ids |= set(self.city_of.values())
        self.units = {}
        for unit in HandlingUnit.objects.filter(is_active=True, area_id__in=area_ids).order_by("pk"):
            department = unit.department if unit.kind == HandlingUnit.Kind.DEPARTMENT else ""
            self.units.setdefault((unit.area_id, unit.kind, department), unit)
        self.catalogue = CatalogueLines(tickets, at=now, city_of=self.city_of)
        self.chosen = {override.ticket_id: override.chosen_unit for override in DispatchOverride.objects.filter(
            ticket_id__in=[ticket.pk for ticket in tickets], stage=DispatchOverride.Stage.INTAKE,
            chosen_unit__is_active=True).select_related("chosen_unit")}
        self.owners = owner_units_of([ticket.pk for ticket in tickets if ticket.pk])

    def street_office(self, street_id):
        return self.units.get((street_id, HandlingUnit.Kind.STREET_OFFICE, ""))

    def first_unit(self, ticket):
        """Return (the unit that handles `ticket` first, the catalogue line naming its co-handlers or None):
        the operator's choice, the named component's owner, the catalogue's line, the category's level,
        the district government."""
        if ticket.grid_id is None:
            return None, None
        line = self.catalogue.line_for(ticket)
        if ticket.pk in self.chosen:
            return self.chosen[ticket.pk], line
        if ticket.pk in self.owners:
            return self.owners[ticket.pk], None
        if line is not None:
            return line.lead_unit, line
        unit = self._by_category(ticket) or self.units.get(
            (ticket.district_id, HandlingUnit.Kind.DISTRICT_GOVERNMENT, ""))
        return unit, None

    def _by_category(self, ticket):
        """Return the unit at the category's first level at the ticket's place, else its street office."""
        level, unit = ticket.category.first_level, None
        if level == ChainLevel.COMMUNITY:
            unit = self.units.get((ticket.community_id, HandlingUnit.Kind.COMMUNITY_COMMITTEE, ""))
        elif level == ChainLevel.DEPARTMENT:  # the district's department, else the city's
            department = (HandlingUnit.Kind.DEPARTMENT, ticket.category.default_department)
            unit = self.units.get((ticket.district_id, *department)) or self.units.get(
                (self.city_of.get(ticket.district_id), *department))
        return unit or self.street_office(ticket.street_id)


def dispatch_proposal(ticket, *, now=None):
    """Return (unit, co-handling units) the router would give `ticket` by the catalogue and the rules,
    leaving any operator's choice aside: what the intake page proposes, pre-selected. `ticket` may be
    unsaved, located (grid, community, street, district) and with its category."""
    now = now or timezone.now()
    directory = _UnitDirectory([ticket], now)
    directory.chosen = {}
    unit, line = directory.first_unit(ticket)
    return unit, co_units_of(line, unit) if unit is not None else []
