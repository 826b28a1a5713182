"""Reads for dispatching: the rules' conditions on a work order, what a unit co-handles, the counts."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q

from accounts.access import restrict_to_scope
from accounts.models import HandlingUnit
from incidents.models import Ticket, TicketEvent
from incidents.worktime import add_working_minutes, working_day_minutes

from .models import CoHandler, DispatchObjection, DispatchOverride

# The moves after which a unit holds a work order it did not hold before: its receipt.
RECEIPT_ACTIONS = ("route", "dispatch", "redispatch", "escalate", "overdue_escalate")


def co_handled_by(unit_id):
    """Return a filter of the tickets the unit `unit_id` co-handles (协办)."""
    return Exists(CoHandler.objects.filter(ticket_id=OuterRef("pk"), unit_id=unit_id))


@dataclass(frozen=True)
class DispatchState:
    """What the dispatch rules ask of a work order, read for a list at once (dispatch_states_attach)."""

    co_handlers: tuple
    objections: tuple  # newest first
    receipts: dict  # unit id → when it last received the order
    replied: bool


def dispatch_states_attach(tickets):
    """Give each of `tickets` its `dispatch_state`, read in three queries for them all, so that a list's
    allowed actions ask nothing per row. For reading only: a move re-reads its ticket, without one."""
    ids = [ticket.pk for ticket in tickets]
    co_handlers, objections, receipts, replied = {}, {}, {}, set()
    for row in CoHandler.objects.filter(ticket_id__in=ids):
        co_handlers.setdefault(row.ticket_id, []).append(row)
    for row in DispatchObjection.objects.filter(ticket_id__in=ids).order_by("-raised_at", "-pk"):
        objections.setdefault(row.ticket_id, []).append(row)
    events = (TicketEvent.objects.filter(ticket_id__in=ids, action__in=(*RECEIPT_ACTIONS, "reply"))
              .values_list("ticket_id", "unit_id", "action").annotate(at=Max("created_at")))
    for ticket_id, unit_id, action, at in events:  # one row per action: keep each unit's latest receipt
        if action == "reply":
            replied.add(ticket_id)
            continue
        units = receipts.setdefault(ticket_id, {})
        units[unit_id] = max(at, units.get(unit_id, at))
    for ticket in tickets:
        ticket.dispatch_state = DispatchState(
            tuple(co_handlers.get(ticket.pk, ())), tuple(objections.get(ticket.pk, ())),
            receipts.get(ticket.pk, {}), ticket.pk in replied)
    return tickets


def _attached(ticket):
    return getattr(ticket, "dispatch_state", None)


def co_handler_of(ticket, unit_id):
    """Return the co-handling row of `unit_id` on `ticket`, or None."""
    if unit_id is None:
        return None
    if (state := _attached(ticket)) is not None:
        return next((row for row in state.co_handlers if row.unit_id == unit_id), None)
    return CoHandler.objects.filter(ticket=ticket, unit_id=unit_id).first()


def co_handling_done(ticket):
    """Return whether a co-handled ticket may count as handled: every co-handler gave its feedback and
    the lead unit replied to the citizen (a ticket without co-handlers: always)."""
    if (state := _attached(ticket)) is not None:
        return not state.co_handlers or (
            all(row.feedback_at for row in state.co_handlers) and state.replied)
    co_handlers = CoHandler.objects.filter(ticket_id=ticket.pk)
    if not co_handlers.exists():
        return True
    return (not co_handlers.filter(feedback_at__isnull=True).exists()
            and ticket.events.filter(action="reply").exists())


def received_at(ticket):
    """Return when the unit holding `ticket` received it (its latest receipt), or None."""
    if (state := _attached(ticket)) is not None:
        return state.receipts.get(ticket.handling_unit_id)
    return (ticket.events.filter(action__in=RECEIPT_ACTIONS, unit_id=ticket.handling_unit_id)
            .order_by("-created_at").values_list("created_at", flat=True).first())


def objection_deadline_from(received):
    """Return until when a unit that received a work order at `received` may object to its dispatch."""
    return add_working_minutes(received, settings.DISPATCH_OBJECTION_WORKING_DAYS * working_day_minutes())


def pending_objection(ticket):
    """Return the objection to `ticket` under review, or None."""
    pending = DispatchObjection.Outcome.PENDING
    if (state := _attached(ticket)) is not None:
        return next((row for row in state.objections if row.outcome == pending), None)
    return DispatchObjection.objects.filter(ticket_id=ticket.pk, outcome=pending).first()


def _objected_since(ticket, received):
    """Return whether the holding unit has objected to `ticket` since it received it at `received`."""
    if (state := _attached(ticket)) is not None:
        return any(row.unit_id == ticket.handling_unit_id and row.raised_at >= received for row in state.objections)
    return DispatchObjection.objects.filter(ticket_id=ticket.pk, unit_id=ticket.handling_unit_id,
                                            raised_at__gte=received).exists()


def objection_may_be_raised(ticket, now):
    """Return whether the holding unit may object to the dispatch of `ticket` now: a 12345 order (the
    hotline reviews objections), within the objection period of its receipt, and once per receipt
    (none raised since, under review or decided)."""
    if ticket.source != Ticket.Source.HOTLINE:
        return False
    received = received_at(ticket)
    if received is None or now > objection_deadline_from(received):
        return False
    return not _objected_since(ticket, received)


def objection_figures(unit_ids, *, start, end):
    """Return {unit id: {"raised", "redispatched", "rejected"}}: the objections of the units raised in [start, end)."""
    rows = (DispatchObjection.objects.filter(unit_id__in=unit_ids, raised_at__gte=start, raised_at__lt=end)
            .values("unit_id").annotate(
                raised=Count("id"),
                redispatched=Count("id", filter=Q(outcome=DispatchObjection.Outcome.REDISPATCHED)),
                rejected=Count("id", filter=Q(outcome=DispatchObjection.Outcome.REJECTED))))
    return {row.pop("unit_id"): row for row in rows}


def override_counts(*, start, end, by):
    """Return [(key, count)] of the operators' overrides of the catalogue in [start, end), grouped `by`
    "operator", "proposed_unit" or "chosen_unit", most first."""
    return list(DispatchOverride.objects.filter(created_at__gte=start, created_at__lt=end)
                .values_list(f"{by}_id").annotate(n=Count("id")).order_by("-n"))


# The kinds of unit that take work orders (the others run the platform, take calls or mediate).
HANDLING_KINDS = (HandlingUnit.Kind.COMMUNITY_COMMITTEE, HandlingUnit.Kind.STREET_OFFICE,
                  HandlingUnit.Kind.DEPARTMENT, HandlingUnit.Kind.DISTRICT_GOVERNMENT)


def lead_unit_choices(user):
    """Return the active units that take work orders within `user`'s scope: the lead units an operator may choose."""
    units = HandlingUnit.objects.filter(is_active=True, kind__in=HANDLING_KINDS).select_related("area")
    return restrict_to_scope(units, user, code_field="area__code").order_by("area__code", "kind", "name")


def ticket_dispatch_facts(ticket):
    """Return what the work order's page shows of its dispatch: its co-handlers, the objections to it
    (newest first) and the choices made against the catalogue's proposal."""
    return {
        "co_handlers": list(CoHandler.objects.filter(ticket_id=ticket.pk).select_related("unit")),
        "objections": list(DispatchObjection.objects.filter(ticket_id=ticket.pk)
                           .select_related("unit", "raised_by", "decided_by", "new_unit")),
        "overrides": list(DispatchOverride.objects.filter(ticket_id=ticket.pk)
                          .select_related("proposed_unit", "chosen_unit", "operator").order_by("created_at")),
    }
