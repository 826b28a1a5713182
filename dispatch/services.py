"""Writes for dispatching: the catalogue's lines, the operator's override, co-handling and objections.

The moves on work orders go through the shared engine (incidents.workflow.TICKETS): it locks the
ticket, checks the table, the guard and the actor, and writes the TicketEvent; these functions say
what each move changes beside.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import HandlingUnit
from govportal.errors import DomainConflict
from govportal.workflow import WorkflowInputError
from incidents.routing import dispatch_proposal, give_to_first_unit
from incidents.workflow import TICKETS

from .catalogue import catalogue_leads
from .models import CoHandler, DispatchEntry, DispatchObjection, DispatchOverride
from .selectors import HANDLING_KINDS

ENTRY_CLOSED = _("This catalogue line is closed already; change the line in force.")
OVERRIDE_REASON_REQUIRED = _("Give the reason for sending the work order elsewhere than the catalogue proposes.")
SAME_UNIT = _("Choose another unit than the one holding the work order.")
UNIT_NOT_ACTIVE = _("This unit no longer takes work orders.")
FEEDBACK_REQUIRED = _("Describe what your unit did.")


class EntryClosed(DomainConflict):
    """A closed catalogue line cannot change again (HTTP 409)."""


# --- the catalogue (派单目录) -------------------------------------------------------------------

def catalogue_entry_create(*, category, lead_unit, area=None, co_units=(), valid_from=None, valid_to=None,
                           note="", actor=None, supersedes=None):
    """Open a line of the dispatch catalogue and return it."""
    entry = DispatchEntry.objects.create(
        category=category, area=area, lead_unit=lead_unit, valid_from=valid_from or timezone.now(),
        valid_to=valid_to, note=note, created_by=actor, supersedes=supersedes)
    entry.co_units.set(co_units)
    return entry


def catalogue_entry_close(*, entry_id, actor, at=None):
    """Close a line at `at` (now by default) and return it; EntryClosed if it was closed already."""
    at = at or timezone.now()
    with transaction.atomic():
        entry = DispatchEntry.objects.select_for_update().get(pk=entry_id)
        if entry.valid_to is not None and entry.valid_to <= at:
            raise EntryClosed(ENTRY_CLOSED)
        # A line closed before it began never applies: it ends a moment after its start.
        entry.valid_to, entry.closed_by = max(at, entry.valid_from + timedelta(microseconds=1)), actor
        entry.save(update_fields=["valid_to", "closed_by"])
    return entry


def catalogue_entry_revise(*, entry_id, actor, note, **changes):
    """Change a line the only way lines change: close it now and open its successor with `changes`
    (category, area, lead_unit, co_units, valid_to); return the new line. The old row stays as history."""
    with transaction.atomic():
        old = catalogue_entry_close(entry_id=entry_id, actor=actor)
        fields = {"category": old.category, "area": old.area, "lead_unit": old.lead_unit,
                  "co_units": list(old.co_units.all()), "valid_to": None} | changes
        return catalogue_entry_create(**fields, valid_from=old.valid_to, note=note, actor=actor, supersedes=old)


# --- the operator's choice at intake -------------------------------------------------------------

def dispatch_override_record(*, ticket, operator, chosen_unit, reason):
    """Record that `operator` sends the new `ticket` to `chosen_unit` rather than where the catalogue
    proposes (routing.dispatch_proposal, read again here: the page's proposal is only shown), with a
    reason; the router reads it. Call it in the transaction making the ticket, before routing.
    Nothing is recorded when no unit is chosen or the choice is the proposal."""
    if chosen_unit is None:
        return None
    proposed, _co_units = dispatch_proposal(ticket)
    if chosen_unit == proposed:
        return None
    if not (reason or "").strip():
        raise WorkflowInputError(OVERRIDE_REASON_REQUIRED, "override_reason")
    if not chosen_unit.is_active:
        raise WorkflowInputError(UNIT_NOT_ACTIVE, "lead_unit")
    return DispatchOverride.objects.create(ticket=ticket, operator=operator, proposed_unit=proposed,
                                           chosen_unit=chosen_unit, reason=reason.strip())


def street_override_record(*, ticket, actor, unit, reason):
    """Record that the street dispatches `ticket` to `unit` although the catalogue names another unit for
    it, with a reason (the board pre-selects the catalogue's unit). Nothing is recorded, and no reason
    asked, where the catalogue names no unit or names `unit`. Called in the dispatch's transaction."""
    proposed = catalogue_leads([ticket], at=timezone.now()).get(ticket.pk)
    if proposed is None or proposed == unit:
        return None
    if not (reason or "").strip():
        raise WorkflowInputError(OVERRIDE_REASON_REQUIRED, "reason")
    return DispatchOverride.objects.create(ticket=ticket, stage=DispatchOverride.Stage.STREET, operator=actor,
                                           proposed_unit=proposed, chosen_unit=unit, reason=reason.strip())


# --- co-handling (主办/协办) -----------------------------------------------------------------------

def _co_handler_update(ticket, actor, **fields):
    """Write `fields` on the co-handling row of `actor`'s unit (the engine holds the ticket's lock)."""
    CoHandler.objects.filter(ticket=ticket, unit_id=actor.unit_id).update(**fields)


def ticket_co_sign(*, ticket_id, actor):
    """A co-handling unit signs for its part of the work order."""
    return TICKETS.apply(ticket_id, "co_sign", actor=actor,
                         change=lambda ticket: _co_handler_update(ticket, actor, signed_at=timezone.now()),
                         notify=lambda t: [t.handling_unit_id])


def ticket_co_feedback(*, ticket_id, actor, feedback):
    """A co-handling unit gives the feedback on its part; the lead unit is told."""
    if not (feedback or "").strip():
        raise WorkflowInputError(FEEDBACK_REQUIRED, "feedback")
    return TICKETS.apply(
        ticket_id, "co_feedback", actor=actor, reason=feedback.strip(),
        change=lambda ticket: _co_handler_update(ticket, actor, feedback=feedback.strip(), feedback_at=timezone.now()),
        notify=lambda t: [t.handling_unit_id])


# --- objections (派单异议 → 改派) ------------------------------------------------------------------

def ticket_object(*, ticket_id, actor, reason):
    """The holding unit objects to the dispatch, with a reason; it keeps the order until the hotline decides."""
    TICKETS.require_reason(reason)

    def change(ticket):
        DispatchObjection.objects.create(ticket=ticket, unit_id=ticket.handling_unit_id, raised_by=actor,
                                         reason=reason.strip())

    return TICKETS.apply(ticket_id, "object", actor=actor, reason=reason, change=change)


def _decide(ticket, actor, outcome, note, new_unit=None):
    objection = DispatchObjection.objects.select_for_update().get(
        ticket=ticket, outcome=DispatchObjection.Outcome.PENDING)
    objection.outcome, objection.decided_by, objection.decided_at = outcome, actor, timezone.now()
    objection.decision_note, objection.new_unit = note.strip(), new_unit
    objection.save()
    return objection


def ticket_redispatch(*, ticket_id, actor, unit, reason):
    """改派: the hotline upholds the objection and gives the order to `unit`, whose clock starts now."""
    TICKETS.require_reason(reason)
    if not unit.is_active:
        raise WorkflowInputError(UNIT_NOT_ACTIVE, "unit")
    objecting = []

    def change(ticket):
        if unit.pk == ticket.handling_unit_id:
            raise WorkflowInputError(SAME_UNIT, "unit")
        objecting.append(ticket.handling_unit_id)
        _decide(ticket, actor, DispatchObjection.Outcome.REDISPATCHED, reason, new_unit=unit)
        give_to_first_unit(ticket, unit, ticket.dispatcher_unit, timezone.now(), {})

    return TICKETS.apply(ticket_id, "redispatch", actor=actor, reason=reason, change=change,
                         notify=lambda t: [t.handling_unit_id, *objecting])


def ticket_reject_objection(*, ticket_id, actor, reason):
    """The hotline rejects the objection: the unit keeps the order and its clock runs on."""
    TICKETS.require_reason(reason)
    return TICKETS.apply(
        ticket_id, "reject_objection", actor=actor, reason=reason,
        change=lambda ticket: _decide(ticket, actor, DispatchObjection.Outcome.REJECTED, reason),
        notify=lambda t: [t.handling_unit_id])


def redispatch_targets(ticket):
    """Return the units the hotline may re-dispatch `ticket` to: the active units that take work orders
    in its community, its street, its district and the city's departments, but the one holding it."""
    areas = [area_id for area_id in (ticket.community_id, ticket.street_id, ticket.district_id) if area_id]
    city = ticket.district.parent_id if ticket.district_id else None
    units = HandlingUnit.objects.filter(is_active=True, kind__in=HANDLING_KINDS, area_id__in=[*areas, city])
    return units.exclude(pk=ticket.handling_unit_id).order_by("area__code", "kind", "name")


# The dispatch moves a person takes, by name: merged into incidents.services.ACTION_SERVICES.
ACTION_SERVICES = {"co_sign": ticket_co_sign, "co_feedback": ticket_co_feedback, "object": ticket_object,
                   "redispatch": ticket_redispatch, "reject_objection": ticket_reject_objection}
