"""One engine for everything with states: work orders, mediation cases and what comes after them.

A workflow *declares* its transition table, its model, its event row and who its parties are; the
engine does the rest once for all of them: lock the row, check the state and the actor, apply the
change, write the event row, all in one transaction (style.md: one transition, one function).

Every move names who makes it. A person's move passes `actor=user` and is checked against the
table's party and roles; a move made by the system (routing, a sweep, another module's rule)
passes a named `System` actor and is allowed only where the table says the system may make it.
There is no anonymous move: `actor=None` is a programming error, not a skipped check.

Set-based paths (the router and the sweeps) write their rows in SQL for speed, but read their
source states, target states and event actions from the same table; a test
checks every state change they write against it (tests/incidents/test_workflow_sql.py and
tests/mediation/test_sweeps.py).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from accounts.access import OUTSIDE_SCOPE

from .errors import DomainConflict, DomainInputError

SYSTEM = "system"  # the party of moves only the system makes
PREVIOUS = "previous"  # the target "back to the state before the pause"

REASON_REQUIRED = _("Give a reason.")
ROLE_NOT_ALLOWED = _("Your role may not do this.")


class TransitionNotAllowed(DomainConflict):
    """The action is not allowed from the object's current state (HTTP 409)."""


class WorkflowInputError(DomainInputError):
    """Input that breaks a workflow rule (HTTP 400)."""


@dataclass(frozen=True)
class Guard:
    """A condition on the object, beyond its state, for a move to be offered and allowed
    (an extension is decided only once one is asked for); `refusal` is the 409 message."""

    holds: Callable[[object], bool]
    refusal: str


@dataclass(frozen=True)
class Transition:
    """One row of a transition table.

    `target` None keeps the state; PREVIOUS returns to the state before a pause. `party` names
    the rule a person must meet (the workflow's `party_refusal` knows them), or SYSTEM for moves
    only the system makes; `system=True` lets the system make a person's move too (a referral
    suspends a work order). `also_to` lists the other states a system move may end in, which the
    data decides (routing sends a report to a community, a department or straight to checking).
    `guard`, if any, must hold as well as the state for the move to be offered or made.
    """

    sources: tuple
    target: str | None = None
    party: str = SYSTEM
    roles: tuple = ()
    system: bool = False
    also_to: tuple = ()
    guard: Guard | None = None

    @property
    def system_may(self):
        return self.party == SYSTEM or self.system

    def open_to(self, subject):
        """Return whether `subject`'s state (and the guard, if any) lets this move be made now."""
        return subject.status in self.sources and (self.guard is None or self.guard.holds(subject))

    def allows(self, from_status, to_status):
        """Return whether a move from `from_status` to `to_status` is one this transition makes."""
        if from_status not in self.sources:
            return False
        if self.target is None:
            ends = {from_status}
        elif self.target == PREVIOUS:
            return True  # back to whatever state was paused; the pause itself was checked
        else:
            ends = {self.target}
        return to_status in ends | set(self.also_to)


@dataclass(frozen=True)
class System:
    """The system as the actor of a move, named so the code says who moved: routing, a sweep, a referral."""

    name: str


class Workflow:
    """The declared workflow of one model; subclasses fill in the class attributes and the three hooks.

    model, event_model: the stateful model (with a `status` field) and its append-only event model.
    transitions: the table, action name → Transition.
    pause_field: the field remembering the state before a pause (for PREVIOUS), if any; a move into
        one of `paused_states` fills it.
    not_allowed: the 409 message, with %(action)s and %(status)s.
    action_labels: each action's name as people read it (the 409 message names the action so).
    input_error: the DomainInputError subclass this workflow's rules raise (HTTP 400).
    """

    model = None
    event_model = None
    transitions = {}
    pause_field = None
    paused_states = ()
    not_allowed = _("“%(action)s” is not allowed while the state is %(status)s.")
    action_labels = {}
    input_error = WorkflowInputError

    # --- the hooks a workflow declares ---

    def is_visible(self, subject, user):
        """Return whether `user` may see `subject` at all (their scope)."""
        raise NotImplementedError

    def party_refusal(self, subject, user, party):
        """Return why `user` is not `party` of `subject` (a message), or None if they are."""
        raise NotImplementedError

    def event(self, subject, *, action, from_status, actor, reason_code, reason):
        """Return the unsaved event row of a move."""
        raise NotImplementedError

    # --- the engine ---

    def require_reason(self, value, field="reason", message=REASON_REQUIRED):
        """Raise the workflow's input error on `field` unless `value` holds some text."""
        if not (value or "").strip():
            raise self.input_error(message, field)

    def allowed_actions(self, subject, user):
        """Return the names of the actions `user` may take on `subject` now (for pages and the API).

        Whether `user` sees `subject` does not depend on the action: it is asked once (it may
        take a query), then each action's roles and party.
        """
        if not (user.is_superuser or self.is_visible(subject, user)):
            return []
        return [name for name, transition in self.transitions.items()
                if transition.party != SYSTEM and transition.open_to(subject)
                and self._refusal(subject, user, transition, seen=True) is None]

    def may(self, subject, user, transition):
        """Return whether `user` may take `transition` on `subject` (its state aside)."""
        return self._refusal(subject, user, transition) is None

    def check_actor(self, subject, user, transition):
        """Raise PermissionDenied unless the person `user` may take `transition` on `subject`."""
        refusal = self._refusal(subject, user, transition)
        if refusal is not None:
            raise PermissionDenied(refusal)

    def _refusal(self, subject, user, transition, *, seen=False):
        """Return why the person `user` may not take `transition` on `subject`, or None if they may.

        `seen`: the caller knows already that `user` sees `subject`.
        """
        if transition.party == SYSTEM:
            return ROLE_NOT_ALLOWED
        if user.is_superuser:
            return None
        if not (seen or self.is_visible(subject, user)):
            return OUTSIDE_SCOPE
        if transition.roles and user.role not in transition.roles:
            return ROLE_NOT_ALLOWED
        return self.party_refusal(subject, user, transition.party)

    def apply(self, pk, action, *, actor, reason_code="", reason="", change=None, after=None):
        """Move the object `pk` through `action` and return it.

        Locks the row (SELECT … FOR UPDATE), so two concurrent moves are serialised and the second
        sees the state the first left. `change(subject)` does what is particular to the action (it
        may write related rows: they join the transaction); `after(subject)` runs once the event
        row is written. Raises TransitionNotAllowed (409), PermissionDenied (403) or the input
        error of `change` (400); nothing is written then.
        """
        transition = self.transitions[action]
        person = not isinstance(actor, System)
        if person and actor is None:
            raise TypeError("A move names its actor: a user, or System(name) for the system's moves.")
        if not person and not transition.system_may:
            raise PermissionDenied(ROLE_NOT_ALLOWED)
        with transaction.atomic():
            subject = self.model.objects.select_for_update().get(pk=pk)
            from_status = subject.status
            if from_status not in transition.sources:
                raise TransitionNotAllowed(self.not_allowed % {
                    "action": self.action_labels.get(action, action), "status": subject.get_status_display()})
            if not transition.open_to(subject):
                raise TransitionNotAllowed(transition.guard.refusal)
            if person:
                self.check_actor(subject, actor, transition)
            self._move(subject, transition)
            if change is not None:
                change(subject)
            subject.save()
            self.event(subject, action=action, from_status=from_status, actor=actor if person else None,
                       reason_code=reason_code, reason=reason).save()
            if after is not None:
                after(subject)
        return subject

    def _move(self, subject, transition):
        if transition.target == PREVIOUS:
            subject.status = getattr(subject, self.pause_field)
            setattr(subject, self.pause_field, "")
        elif transition.target is not None:
            if transition.target in self.paused_states:
                setattr(subject, self.pause_field, subject.status)
            subject.status = transition.target


def numbers_reserve(counter_model, *, prefix, day, count=1):
    """Return `count` consecutive numbers of `day` like SJ202611230001, reserved in one statement.

    `counter_model` keeps the last number handed out per day (`day`, `last`); the upsert makes
    concurrent reservations queue on the day's row instead of colliding.
    """
    if not count:
        return []
    table = connection.ops.quote_name(counter_model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, %s) "
            f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + EXCLUDED.last RETURNING last",
            [day, count],
        )
        last = cursor.fetchone()[0]
    return [f"{prefix}{day:%Y%m%d}{n:04d}" for n in range(last - count + 1, last + 1)]
