"""The dashboard figures computed the slow way, from the tickets and their events one by one.

An independent statement of what every rollup row must hold: the tests compare it with the
rollups kept by the triggers and folds.
"""

from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

from django.db.models import Sum

from dashboards.models import (
    ALL_CATEGORIES, AreaStatusCount, AreaStatusCountLive, DailyFlow, DailyFlowLive, GridMonth, GridMonthLive,
    UnitDailyFlow, UnitDailyFlowLive,
)
from grids.models import Area
from incidents.models import Ticket, TicketEvent

SHANGHAI = ZoneInfo("Asia/Shanghai")
S = Ticket.Status
CLOSED = (S.CLOSED, S.RATED)
LEVELS = sorted(set(Area.SCOPE_PREFIX_LENGTH.values()))


def day(moment):
    return moment.astimezone(SHANGHAI).date()


def prefixes(code):
    """Return the scope prefixes a grid code is counted under: '' (everything) and one per area level."""
    return [""] + [code[:n] for n in LEVELS if n <= len(code)]


def _nonzero(table):
    """Drop zero measures and rows left empty (negative values are kept: they are errors to see)."""
    rows = {key: {m: v for m, v in values.items() if v} for key, values in table.items()}
    return {key: values for key, values in rows.items() if values}


def raw_figures():
    """Return {rollup name: {key: {measure: value}}} computed from tickets and events."""
    flow, state, unit, grid_month = (defaultdict(Counter) for _ in range(4))
    tickets = {ticket.pk: ticket for ticket in Ticket.objects.all()}

    def add_flow(ticket, when, **measures):
        for prefix in prefixes(ticket.area_code):
            for category in (ticket.category_id, ALL_CATEGORIES):
                flow[(prefix, category, day(when))].update(measures)
        if len(ticket.area_code) == 15:
            grid_month[(day(when).replace(day=1), ticket.area_code)].update(
                {k: v for k, v in measures.items() if k in ("reported", "overdue")})

    for ticket in tickets.values():
        add_flow(ticket, ticket.created_at, reported=1)
        if ticket.closed_at:
            closed = ticket.status in CLOSED
            closure = {
                "closed": int(closed), "closed_on_time": int(closed and ticket.overdue_count == 0),
                "rejected": int(ticket.status == S.REJECTED), "rated": int(ticket.satisfaction != ""),
                "satisfied": int(ticket.satisfaction == Ticket.Satisfaction.SATISFIED),
                "basically_satisfied": int(ticket.satisfaction == Ticket.Satisfaction.BASICALLY),
            }
            add_flow(ticket, ticket.closed_at, **closure)
            if ticket.handling_unit_id:
                unit[(ticket.handling_unit_id, day(ticket.closed_at))].update(
                    {k: v for k, v in closure.items() if k != "rejected"})
        for prefix in prefixes(ticket.area_code):
            state[(prefix, ticket.status)].update(tickets=1, overdue_tickets=int(ticket.overdue_count > 0))

    holder = {}  # the unit holding each ticket before its next event: the unit after its last one
    for event in TicketEvent.objects.order_by("created_at", "id"):
        ticket, before = tickets[event.ticket_id], holder.get(event.ticket_id)
        when = event.created_at
        if event.action in ("overdue", "overdue_escalate"):
            add_flow(ticket, when, overdue=1)
            unit[(before, day(when))].update(overdue=1)
        if event.to_status == S.DISPATCHED and event.from_status != S.DISPATCHED:
            add_flow(ticket, when, dispatched=1)
            unit[(event.unit_id, day(when))].update(received=1)
        if event.to_status == S.RETURNED and event.from_status != S.RETURNED:
            add_flow(ticket, when, returned=1)
            unit[(before, day(when))].update(returned=1)
        holder[event.ticket_id] = event.unit_id
    unit = {key: values for key, values in unit.items() if key[0] is not None}
    return {"flow": _nonzero(flow), "state": _nonzero(state), "unit": _nonzero(unit),
            "grid_month": _nonzero(grid_month)}


def _summed(queryset, key, measures):
    rows = queryset.values(*key).annotate(**{f"sum_{m}": Sum(m) for m in measures})
    table = {tuple(row[k] for k in key): Counter({m: row[f"sum_{m}"] for m in measures}) for row in rows}
    return _nonzero(table)


def rollup_figures(*, live=True):
    """Return the same tables read from the rollups (with the unfolded deltas when `live`)."""
    models = (DailyFlowLive, AreaStatusCountLive, UnitDailyFlowLive, GridMonthLive) if live else \
        (DailyFlow, AreaStatusCount, UnitDailyFlow, GridMonth)
    return {
        "flow": _summed(models[0].objects.all(), ("prefix", "category_id", "day"), DailyFlow.MEASURES),
        "state": _summed(models[1].objects.all(), ("prefix", "status"), ("tickets", "overdue_tickets")),
        "unit": _summed(models[2].objects.all(), ("unit_id", "day"), UnitDailyFlow.MEASURES),
        "grid_month": _summed(models[3].objects.all(), ("month", "grid_code"), ("reported", "overdue")),
    }
