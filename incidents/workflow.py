"""The closed loop of a work order: which action is allowed from which state, for whom.

`TRANSITIONS` is the one table of allowed moves. Every move goes through `_apply`, which locks
the ticket, checks the table and the actor, changes the row and writes its TicketEvent in the
same transaction, and queues notifications after commit. The public `ticket_<action>` functions
in services.py are the only callers; pages, API, tasks and admin call those.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.access import OUTSIDE_SCOPE, is_in_scope
from govportal.errors import DomainConflict
from accounts.models import User

from .models import Notification, Ticket, TicketEvent
from .notifications import notifications_wake_up
from .selectors import ticket_is_visible

S = Ticket.Status
TRANSITION_NOT_ALLOWED = _("“%(action)s” is not allowed while the work order is %(status)s.")
NOT_YOUR_UNIT = _("Only the unit that holds this work order may do this.")
NOT_THE_DISPATCHER = _("Only the dispatching street may do this.")
NOT_A_VERIFIER = _("Only the reporter or the community staff may verify or rate this work order.")
ROLE_NOT_ALLOWED = _("Your role may not do this.")


class TransitionNotAllowed(DomainConflict):
    """The action is not allowed from the ticket's current state (HTTP 409)."""


@dataclass(frozen=True)
class Transition:
    sources: tuple
    target: str | None  # None: the status does not change; "previous": back to before suspension
    party: str  # who may act: "unit" (holds the ticket), "dispatcher", "verifier", "hotline" (by role) or "system"
    roles: tuple = ()


HANDLERS = (User.Role.COMMUNITY_STAFF, User.Role.STREET_COORDINATOR, User.Role.DEPARTMENT_HANDLER)
DISPATCHERS = (User.Role.STREET_COORDINATOR,)
VERIFIERS = (User.Role.GRID_WORKER, User.Role.COMMUNITY_STAFF)
WORKING = (S.ACCEPTED, S.SIGNED, S.IN_PROGRESS)

TRANSITIONS = {
    # Routing leaves a ticket REPORTED for its first unit to accept, except that the router
    # (routing.py) sends it straight to DISPATCHED (a department comes first) or HANDLED (self-handled).
    "route": Transition((S.REPORTED,), None, "system"),
    "accept": Transition((S.REPORTED,), S.ACCEPTED, "unit", HANDLERS),
    "reject": Transition((S.REPORTED,), S.REJECTED, "unit", HANDLERS),
    "dispatch": Transition((S.ACCEPTED, S.RETURNED), S.DISPATCHED, "dispatcher", DISPATCHERS),
    "sign": Transition((S.DISPATCHED,), S.SIGNED, "unit", HANDLERS),
    "start": Transition((S.SIGNED,), S.IN_PROGRESS, "unit", HANDLERS),
    "return": Transition((S.DISPATCHED, S.SIGNED), S.RETURNED, "unit", (User.Role.DEPARTMENT_HANDLER,)),
    "escalate": Transition((S.REPORTED, *WORKING), S.ACCEPTED, "unit", HANDLERS),
    "request_extension": Transition(WORKING, None, "unit", HANDLERS),
    "approve_extension": Transition(WORKING, None, "dispatcher", DISPATCHERS),
    "deny_extension": Transition(WORKING, None, "dispatcher", DISPATCHERS),
    "suspend": Transition(WORKING, S.SUSPENDED, "dispatcher", DISPATCHERS),
    "resume": Transition((S.SUSPENDED,), "previous", "dispatcher", DISPATCHERS),
    "handle": Transition(WORKING, S.HANDLED, "unit", HANDLERS),
    "verify": Transition((S.HANDLED,), S.VERIFIED, "verifier", VERIFIERS),
    "verify_fail": Transition((S.HANDLED,), S.IN_PROGRESS, "verifier", VERIFIERS),
    "close": Transition((S.VERIFIED,), S.CLOSED, "verifier", VERIFIERS),
    "rate": Transition((S.CLOSED,), S.RATED, "verifier", VERIFIERS),
    "reopen": Transition((S.CLOSED, S.RATED), S.DISPATCHED, "verifier", VERIFIERS),
    # The escalation sweep (sweeps.overdue_escalate), set-based: a missed accept, sign-for,
    # handling or review deadline moves the ticket to the holder's superior unit; any other
    # missed deadline, or a holder without a superior, is only recorded as overdue.
    "overdue_escalate": Transition(
        (S.REPORTED, S.ACCEPTED, S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.RETURNED), S.ACCEPTED, "system"
    ),
    "overdue": Transition(tuple(Ticket.OPEN_STATUSES), None, "system"),
    # The 12345 hotline's steps on its work orders (hotline.services): a supervisor's flag (督办),
    # the unit's reply to the citizen (答复), the callback after closure (回访) and, when the
    # citizen is unsatisfied, a second handling (二次办理) by the same unit.
    "supervise": Transition(tuple(Ticket.OPEN_STATUSES), None, "hotline",
                            (User.Role.HOTLINE_OPERATOR, User.Role.LEADER)),
    "reply": Transition((*WORKING, S.HANDLED, S.VERIFIED, S.CLOSED), None, "unit", HANDLERS),
    "callback": Transition((S.CLOSED,), S.RATED, "hotline", (User.Role.HOTLINE_OPERATOR,)),
    "callback_unreached": Transition((S.CLOSED,), None, "hotline", (User.Role.HOTLINE_OPERATOR,)),
    "rehandle": Transition((S.RATED,), S.DISPATCHED, "hotline", (User.Role.HOTLINE_OPERATOR,)),
}


def allowed_actions(ticket, user):
    """Return the names of the actions `user` may take on `ticket` now (for pages and the API)."""
    names = []
    for name, transition in TRANSITIONS.items():
        if transition.party == "system" or ticket.status not in transition.sources:
            continue
        try:
            check_actor(ticket, user, transition)
        except PermissionDenied:
            continue
        names.append(name)
    return names


def check_actor(ticket, user, transition):
    """Raise PermissionDenied unless `user` may take `transition` on `ticket`."""
    if transition.party == "system":
        raise PermissionDenied(ROLE_NOT_ALLOWED)
    if user.is_superuser:
        return
    if not ticket_is_visible(user=user, ticket=ticket):
        raise PermissionDenied(OUTSIDE_SCOPE)
    if transition.roles and user.role not in transition.roles:
        raise PermissionDenied(ROLE_NOT_ALLOWED)
    if transition.party == "unit" and user.unit_id != ticket.handling_unit_id:
        raise PermissionDenied(NOT_YOUR_UNIT)
    if transition.party == "dispatcher" and user.unit_id != ticket.dispatcher_unit_id:
        raise PermissionDenied(NOT_THE_DISPATCHER)
    if transition.party == "verifier":
        is_reporter = ticket.reporter_id == user.id
        is_community = user.role == User.Role.COMMUNITY_STAFF and is_in_scope(user, ticket.area_code)
        if not (is_reporter or is_community):
            raise PermissionDenied(NOT_A_VERIFIER)


def apply_transition(ticket_id, action, *, actor, reason_code="", reason="", change=None, notify=()):
    """Move the ticket through `action` and return it.

    Locks the row (SELECT … FOR UPDATE), so two concurrent actions are serialised and the second
    one sees the state the first left. `change(ticket)` sets the fields particular to the action;
    `notify` lists the handling units to tell (or computes them from the locked, changed ticket). Raises TransitionNotAllowed (409) or
    PermissionDenied (403); nothing is written then.
    """
    transition = TRANSITIONS[action]
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
        if ticket.status not in transition.sources:
            raise TransitionNotAllowed(
                TRANSITION_NOT_ALLOWED % {"action": action, "status": ticket.get_status_display()}
            )
        if actor is not None:
            check_actor(ticket, actor, transition)
        from_status = ticket.status
        if transition.target == "previous":
            ticket.status, ticket.status_before_suspension = ticket.status_before_suspension, ""
        elif transition.target is not None:
            if transition.target == S.SUSPENDED:
                ticket.status_before_suspension = from_status
            ticket.status = transition.target
        if change is not None:
            change(ticket)
        ticket.save()
        TicketEvent.objects.create(
            ticket=ticket, action=action, from_status=from_status, to_status=ticket.status, actor=actor,
            unit=ticket.handling_unit, reason_code=reason_code, reason=reason,
        )
        recipients = notify(ticket) if callable(notify) else notify
        units = {unit_id for unit_id in recipients if unit_id} - {getattr(actor, "unit_id", None)}
        if units:
            Notification.objects.bulk_create(
                [Notification(unit_id=unit_id, ticket=ticket, kind=action) for unit_id in units]
            )
            transaction.on_commit(notifications_wake_up)
    return ticket
