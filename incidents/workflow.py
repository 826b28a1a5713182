"""The closed loop of a work order: which action is allowed from which state, for whom.

`TRANSITIONS` is the one table of allowed moves; `TICKETS` declares it to the shared engine
(govportal.workflow), which locks the ticket, checks the table and the actor, changes the row and
writes its TicketEvent in one transaction. The `ticket_<action>` services are its only callers
for single moves; the router and the sweeps read their states and actions from the same table.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.access import is_in_scope
from accounts.models import User
from govportal.workflow import PREVIOUS, SYSTEM, Guard, System, Transition, Workflow

from .models import Notification, Ticket, TicketEvent, TicketMerge
from .notifications import notifications_wake_up
from .selectors import ticket_is_visible

S = Ticket.Status
NOT_YOUR_UNIT = _("Only the unit that holds this work order may do this.")
NOT_THE_DISPATCHER = _("Only the dispatching street may do this.")
NOT_A_VERIFIER = _("Only the reporter or the community staff may verify or rate this work order.")
NO_EXTENSION_REQUESTED = _("No extension has been requested.")
MASTER_NOT_CLOSED = _("The order this one was merged into is not closed yet.")

HANDLERS = (User.Role.COMMUNITY_STAFF, User.Role.STREET_COORDINATOR, User.Role.DEPARTMENT_HANDLER)
DISPATCHERS = (User.Role.STREET_COORDINATOR,)
VERIFIERS = (User.Role.GRID_WORKER, User.Role.COMMUNITY_STAFF)
WORKING = (S.ACCEPTED, S.SIGNED, S.IN_PROGRESS)
REGISTRARS = (User.Role.LEADER, User.Role.HOTLINE_OPERATOR)  # who verifies a matter for the register

# An extension is decided only once the unit has asked for one.
EXTENSION_ASKED = Guard(lambda ticket: ticket.extension_requested_minutes is not None, NO_EXTENSION_REQUESTED)

# A merged order's citizen is called back once the master order is closed.
CALLED_BACK_NOW = Guard(
    lambda ticket: ticket.status != S.MERGED or TicketMerge.objects.filter(
        merged=ticket, unmerged_at__isnull=True, master__status__in=(S.CLOSED, S.RATED)).exists(),
    MASTER_NOT_CLOSED)
MERGEABLE = (S.REPORTED, S.ACCEPTED, S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.RETURNED)

# The system's actors on work orders, named.
ROUTER = System("routing")
ESCALATION_SWEEP = System("escalation sweep")
MERGING = System("merging")  # the master order's side of a merge

TRANSITIONS = {
    # Routing (routing.py, set-based) gives a report its first unit: a community or street accepts
    # it (the state stays), a department signs for it, a self-handled report awaits checking.
    "route": Transition((S.REPORTED,), S.REPORTED, SYSTEM, also_to=(S.DISPATCHED, S.HANDLED)),
    "accept": Transition((S.REPORTED,), S.ACCEPTED, "unit", HANDLERS),
    "reject": Transition((S.REPORTED,), S.REJECTED, "unit", HANDLERS),
    "dispatch": Transition((S.ACCEPTED, S.RETURNED), S.DISPATCHED, "dispatcher", DISPATCHERS),
    "sign": Transition((S.DISPATCHED,), S.SIGNED, "unit", HANDLERS),
    "start": Transition((S.SIGNED,), S.IN_PROGRESS, "unit", HANDLERS),
    "return": Transition((S.DISPATCHED, S.SIGNED), S.RETURNED, "unit", (User.Role.DEPARTMENT_HANDLER,)),
    "escalate": Transition((S.REPORTED, *WORKING), S.ACCEPTED, "unit", HANDLERS),
    "request_extension": Transition(WORKING, None, "unit", HANDLERS),
    "approve_extension": Transition(WORKING, None, "dispatcher", DISPATCHERS, guard=EXTENSION_ASKED),
    "deny_extension": Transition(WORKING, None, "dispatcher", DISPATCHERS, guard=EXTENSION_ASKED),
    # A referral to people's mediation suspends the order and the case's end resumes or handles
    # it (mediation.services): the system may make these three moves too.
    "suspend": Transition(WORKING, S.SUSPENDED, "dispatcher", DISPATCHERS, system=True),
    "resume": Transition((S.SUSPENDED,), PREVIOUS, "dispatcher", DISPATCHERS, system=True),
    "handle": Transition(WORKING, S.HANDLED, "unit", HANDLERS, system=True),
    "verify": Transition((S.HANDLED,), S.VERIFIED, "verifier", VERIFIERS),
    "verify_fail": Transition((S.HANDLED,), S.IN_PROGRESS, "verifier", VERIFIERS),
    "close": Transition((S.VERIFIED,), S.CLOSED, "verifier", VERIFIERS),
    "rate": Transition((S.CLOSED,), S.RATED, "verifier", VERIFIERS),
    "reopen": Transition((S.CLOSED, S.RATED), S.DISPATCHED, "verifier", VERIFIERS),
    # Work orders are never deleted (Ticket.delete refuses): one made by mistake or twice is voided
    # (作废) by its dispatching street, with a reason, whatever open state it is in.
    "void": Transition(tuple(Ticket.OPEN_STATUSES), S.VOIDED, "dispatcher", DISPATCHERS),
    # The escalation sweep (sweeps.overdue_escalate), set-based: a missed accept, sign-for,
    # handling or review deadline moves the ticket to the holder's superior unit; any other
    # missed deadline, or a holder without a superior, is only recorded as overdue.
    "overdue_escalate": Transition((S.REPORTED, S.ACCEPTED, S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.RETURNED),
                                   S.ACCEPTED),
    "overdue": Transition(tuple(Ticket.OPEN_STATUSES)),
    # The 12345 hotline's steps on its work orders (hotline.services): a supervisor's flag (督办),
    # the unit's reply to the citizen (答复), the callback after closure (回访) and, when the
    # citizen is unsatisfied, a second handling (二次办理) by the same unit.
    "supervise": Transition(tuple(Ticket.OPEN_STATUSES), None, "hotline",
                            (User.Role.HOTLINE_OPERATOR, User.Role.LEADER)),
    "reply": Transition((*WORKING, S.HANDLED, S.VERIFIED, S.CLOSED), None, "unit", HANDLERS),
    # The holding unit records its contact with the citizen (time, way, result): the response rate's.
    "contact": Transition((*WORKING, S.HANDLED), None, "unit", HANDLERS),
    "callback": Transition((S.CLOSED, S.MERGED), S.RATED, "hotline", (User.Role.HOTLINE_OPERATOR,),
                           guard=CALLED_BACK_NOW),
    "callback_unreached": Transition((S.CLOSED, S.MERGED), None, "hotline", (User.Role.HOTLINE_OPERATOR,),
                                     guard=CALLED_BACK_NOW),
    "rehandle": Transition((S.RATED,), S.DISPATCHED, "hotline", (User.Role.HOTLINE_OPERATOR,)),
    # The hotline's supervision sweep (hotline.supervision), set-based: the unit still holding an
    # overdue hotline order gets a reminder (催办), then a written supervision notice (督办单).
    "remind": Transition((S.REPORTED, S.ACCEPTED, S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.RETURNED)),
    "supervision_notice": Transition((S.REPORTED, S.ACCEPTED, S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.RETURNED)),
    # 挂账 (incidents.register): a matter verified as not solvable now (funds, planning) goes on
    # the register, its clock stopped; it is reviewed on its review date, and lifted back to work.
    "park": Transition(WORKING, S.PARKED, "hotline", REGISTRARS),
    "register_review": Transition((S.PARKED,), None, "hotline", REGISTRARS),
    "unpark": Transition((S.PARKED,), PREVIOUS, "hotline", REGISTRARS),
    # 并单 (incidents.merging): the hotline merges a duplicate into a master order, whose timeline
    # records it (the system's side); unmerging sends the duplicate back where it stood.
    "merge": Transition(MERGEABLE, S.MERGED, "hotline", (User.Role.HOTLINE_OPERATOR,)),
    "unmerge": Transition((S.MERGED,), PREVIOUS, "hotline", (User.Role.HOTLINE_OPERATOR,)),
    "merge_in": Transition(MERGEABLE),
    "unmerge_out": Transition((*Ticket.OPEN_STATUSES, S.CLOSED, S.RATED)),
}


# Every move and notice kind, by name, as pages, timelines and messages call it (one home: the
# template `incidents/_action_label.html` and the engine's refusals read it).
ACTION_LABELS = {
    "report": _("Report"), "route": _("Routed"), "accept": _("Accept"), "reject": _("Reject"),
    "dispatch": _("Dispatch"), "sign": _("Sign for"), "start": _("Start work"), "return": _("Return to the street"),
    "escalate": _("Blow the whistle (escalate)"), "request_extension": _("Request an extension"),
    "approve_extension": _("Approve the extension"), "deny_extension": _("Deny the extension"),
    "suspend": _("Suspend"), "resume": _("Resume"), "handle": _("Report handled"), "verify": _("Verified on site"),
    "verify_fail": _("Not solved"), "close": pgettext_lazy("work order", "Close"), "rate": _("Rate"),
    "reopen": _("Reopen"), "void": _("Void"), "overdue_escalate": _("Overdue: escalated"), "overdue": _("Overdue"),
    "supervise": _("Supervised"), "reply": _("Reply to the citizen"), "callback": _("Callback"),
    "callback_unreached": _("Callback: caller not reached"), "rehandle": _("Second handling"),
    "remind": _("Overdue reminder"), "supervision_notice": _("Supervision notice"),
    "park": _("Put on the register"), "register_review": _("Register review"),
    "unpark": _("Lift from the register"), "register_review_due": _("Register review due"),
    "contact": _("Contact with the citizen"), "merge": _("Merge into another order"), "unmerge": _("Unmerge"), "merge_in": _("Duplicate merged in"),
    "unmerge_out": _("Duplicate unmerged"),
    "escalated": _("Escalated to your unit"),  # the notice to the unit a sweep escalated to
}


class TicketWorkflow(Workflow):
    """Work orders on the shared engine; a move may also notify handling units after commit."""

    model, event_model, transitions, action_labels = Ticket, TicketEvent, TRANSITIONS, ACTION_LABELS
    pause_field, paused_states = "status_before_suspension", (S.SUSPENDED, S.PARKED, S.MERGED)
    not_allowed = _("“%(action)s” is not allowed while the work order is %(status)s.")

    def is_visible(self, ticket, user):
        return ticket_is_visible(user=user, ticket=ticket)

    def party_refusal(self, ticket, user, party):
        if party == "unit" and user.unit_id != ticket.handling_unit_id:
            return NOT_YOUR_UNIT
        if party == "dispatcher" and user.unit_id != ticket.dispatcher_unit_id:
            return NOT_THE_DISPATCHER
        if party == "verifier":
            is_community = user.role == User.Role.COMMUNITY_STAFF and is_in_scope(user, ticket.area_code)
            if not (ticket.reporter_id == user.id or is_community):
                return NOT_A_VERIFIER
        return None  # "hotline": the roles decide

    def event(self, ticket, *, action, from_status, actor, reason_code, reason):
        return TicketEvent(ticket=ticket, action=action, from_status=from_status, to_status=ticket.status,
                           actor=actor, unit=ticket.handling_unit, reason_code=reason_code, reason=reason)

    def apply(self, pk, action, *, actor, notify=(), **kwargs):
        """As Workflow.apply; `notify` lists the handling units to tell (or computes them from the
        changed ticket), and the people who must act next are told in person (people_to_tell).
        The actor and the actor's own unit are not told; delivery runs after commit."""
        def tell(ticket):
            recipients = notify(ticket) if callable(notify) else notify
            units = {unit_id for unit_id in recipients if unit_id} - {getattr(actor, "unit_id", None)}
            people = people_to_tell(ticket, action) - {getattr(actor, "pk", None)}
            notices = [Notification(unit_id=unit_id, ticket=ticket, kind=action) for unit_id in units]
            notices += [Notification(user_id=user_id, ticket=ticket, kind=action) for user_id in people]
            if notices:
                Notification.objects.bulk_create(notices)
                transaction.on_commit(notifications_wake_up)

        return super().apply(pk, action, actor=actor, after=tell, **kwargs)


# The states in which the reporter's side acts next (verify, close, rate, reopen): the sources of
# the table's verifier moves.
AWAITING_VERIFIER = frozenset(state for move in TRANSITIONS.values() if move.party == "verifier"
                              for state in move.sources)
# Moves by someone else that change the work of the person handling the work order.
HANDLER_TOLD = frozenset({"verify_fail", "reopen", "approve_extension", "deny_extension", "supervise", "void"})


def people_to_tell(ticket, action):
    """Return the ids of the people a move concerns in person: the reporter, when the work order
    now waits for them to verify or rate it (if they are one who may), and its handler, when the
    move changes their work."""
    people = set()
    if ticket.status in AWAITING_VERIFIER and ticket.reporter_id and User.objects.filter(
        pk=ticket.reporter_id, role__in=VERIFIERS, is_active=True,
    ).exists():
        people.add(ticket.reporter_id)
    if action in HANDLER_TOLD and ticket.handler_id:
        people.add(ticket.handler_id)
    return people


TICKETS = TicketWorkflow()
