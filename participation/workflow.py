"""The course of a registration (报到): who may confirm a participant, from which state.

`PARTICIPANT_TRANSITIONS` is the one table; `PARTICIPANTS` declares it to the shared engine
(govportal.workflow), which locks the row, checks the state and the actor, and writes the
ParticipantEvent in the same transaction.
"""

from django.utils.translation import gettext_lazy as _, pgettext_lazy

from accounts.access import is_in_scope
from accounts.models import User
from govportal.workflow import SYSTEM, System, Transition, Workflow, WorkflowInputError

from .models import Participant, ParticipantEvent, Task, TaskClaim, TaskEvent
from .selectors import participant_is_visible

P = Participant.Status
COMMUNITY_ROLES = (User.Role.COMMUNITY_STAFF, User.Role.STREET_COORDINATOR)


class ParticipationInputError(WorkflowInputError):
    """Input that breaks a rule of participation (HTTP 400)."""


# party "community": staff whose scope holds the participant's community (the engine checks scope).
PARTICIPANT_TRANSITIONS = {
    "confirm": Transition((P.PENDING,), P.CONFIRMED, "community", COMMUNITY_ROLES),
    "reject": Transition((P.PENDING,), P.REJECTED, "community", COMMUNITY_ROLES),
}

ACTION_LABELS = {
    "register": _("Registered"), "enter": _("Entered by community staff"),
    "confirm": _("Confirm"), "reject": _("Do not confirm"),
}


class ParticipantWorkflow(Workflow):
    """Registrations on the shared engine."""

    model, event_model = Participant, ParticipantEvent
    transitions, action_labels = PARTICIPANT_TRANSITIONS, ACTION_LABELS
    not_allowed = _("“%(action)s” is not allowed while the registration is %(status)s.")
    input_error = ParticipationInputError

    def is_visible(self, participant, user):
        return participant_is_visible(user=user, participant=participant)

    def party_refusal(self, participant, user, party):
        return None  # "community": the scope, checked by the engine, is the whole rule

    def event(self, participant, *, action, from_status, actor, reason_code, reason):
        return ParticipantEvent(participant=participant, action=action, from_status=from_status,
                                to_status=participant.status, actor=actor, reason=reason)


PARTICIPANTS = ParticipantWorkflow()


# --- tasks and the claims on them (接单) ---

T, C = Task.Status, TaskClaim.Status
NOT_YOUR_CLAIM = _("Only the participant who took this task may do this.")
STAFF_ONLY = _("Only the community's staff may do this.")
UNCLAIMED_SWEEP = System("unclaimed task sweep")

# party "community": staff whose scope holds the task's community; "participant": the person
# who took the task, signed in on their phone (participation.identity).
TASK_TRANSITIONS = {
    "close": Transition((T.OPEN,), T.CLOSED, "community", COMMUNITY_ROLES),
    "cancel": Transition((T.OPEN,), T.CANCELLED, "community", COMMUNITY_ROLES),
    # The sweep (sweeps.unclaimed_tasks_warn): places still free at the take-by time warn the community.
    "unclaimed_warn": Transition((T.OPEN,), None, SYSTEM),
}
CLAIM_TRANSITIONS = {
    "check_in": Transition((C.TAKEN,), C.CHECKED_IN, "participant"),
    "withdraw": Transition((C.TAKEN,), C.WITHDRAWN, "participant"),
    "report": Transition((C.CHECKED_IN,), C.REPORTED, "participant"),
    "send_back": Transition((C.REPORTED,), C.CHECKED_IN, "community", COMMUNITY_ROLES),
    "confirm": Transition((C.REPORTED,), C.CONFIRMED, "community", COMMUNITY_ROLES),
}

TASK_ACTION_LABELS = {
    "post": _("Post"), "take": _("Take the task"), "close": pgettext_lazy("volunteer task", "Close"),
    "cancel": _("Cancel the task"),
    "unclaimed_warn": _("Places still free: community warned"),
    "check_in": _("Check in on the spot"), "withdraw": _("Withdraw"), "report": _("Report done"),
    "send_back": _("Send back"), "confirm": _("Confirm and credit the hours"),
}


def _is_participant(actor):
    return isinstance(actor, Participant)


class TaskWorkflow(Workflow):
    """Tasks on the shared engine: closed or cancelled by their community."""

    model, event_model, transitions, action_labels = Task, TaskEvent, TASK_TRANSITIONS, TASK_ACTION_LABELS
    not_allowed = _("“%(action)s” is not allowed while the task is %(status)s.")
    input_error = ParticipationInputError

    def is_visible(self, task, user):
        return _is_participant(user) or is_in_scope(user, task.community.code)

    def party_refusal(self, task, user, party):
        return STAFF_ONLY if _is_participant(user) else None

    def event(self, task, *, action, from_status, actor, reason_code, reason):
        return TaskEvent(task=task, action=action, from_status=from_status, to_status=task.status, actor=actor,
                         reason=reason)


class ClaimWorkflow(Workflow):
    """Claims on the shared engine: the participant checks in and reports, the community confirms."""

    model, event_model, transitions, action_labels = TaskClaim, TaskEvent, CLAIM_TRANSITIONS, TASK_ACTION_LABELS
    not_allowed = _("“%(action)s” is not allowed while your place on the task is %(status)s.")
    input_error = ParticipationInputError

    def is_visible(self, claim, user):
        if _is_participant(user):
            return claim.participant_id == user.pk
        return is_in_scope(user, claim.task.community.code)

    def party_refusal(self, claim, user, party):
        if party == "participant" and not (_is_participant(user) and claim.participant_id == user.pk):
            return NOT_YOUR_CLAIM
        if party == "community" and _is_participant(user):
            return STAFF_ONLY
        return None

    def event(self, claim, *, action, from_status, actor, reason_code, reason):
        person = {"participant": actor} if _is_participant(actor) else {"actor": actor}
        return TaskEvent(task_id=claim.task_id, claim=claim, action=action, from_status=from_status,
                         to_status=claim.status, reason=reason, **person)


TASKS = TaskWorkflow()
CLAIMS = ClaimWorkflow()
