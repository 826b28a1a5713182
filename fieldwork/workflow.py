"""The course of a patrol on the shared engine (govportal.workflow): started, then ended.

Starting is a creation (services.patrol_start), like reporting a work order; the table holds the
moves of a patrol that exists. Points are not moves: they are appended while the patrol is open
and after, when a phone that lost the network sends them late (services.patrol_points_add).
"""

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from govportal.workflow import SYSTEM, System, Transition, Workflow, WorkflowInputError

from .models import Patrol, PatrolEvent
from .selectors import patrol_is_visible

S = Patrol.Status
NOT_YOUR_PATROL = _("Only the grid worker on this patrol may do this.")
WALKERS = (User.Role.GRID_WORKER,)
# A patrol left open (the phone lost, the page closed) is ended by the sweep after FIELDWORK_PATROL_MAX_HOURS.
OPEN_PATROL_SWEEP = System("open patrol sweep")


class PatrolInputError(WorkflowInputError):
    """Input that breaks a rule of patrols or check-ins (HTTP 400)."""


# party: "walker" (the worker on the patrol) or SYSTEM.
TRANSITIONS = {
    "end": Transition((S.ACTIVE,), S.ENDED, "walker", WALKERS),
    "end_left_open": Transition((S.ACTIVE,), S.ENDED, SYSTEM),
}

ACTION_LABELS = {
    "start": _("Start the patrol"), "end": _("End the patrol"), "end_left_open": _("Ended: left open too long"),
}


class PatrolWorkflow(Workflow):
    """Patrols on the shared engine."""

    model, event_model, transitions, action_labels = Patrol, PatrolEvent, TRANSITIONS, ACTION_LABELS
    not_allowed = _("“%(action)s” is not allowed while the patrol is %(status)s.")
    input_error = PatrolInputError

    def is_visible(self, patrol, user):
        return patrol_is_visible(user=user, patrol=patrol)

    def party_refusal(self, patrol, user, party):
        if party == "walker" and patrol.worker_id != user.pk:
            return NOT_YOUR_PATROL
        return None

    def event(self, patrol, *, action, from_status, actor, reason_code, reason):
        return PatrolEvent(patrol=patrol, action=action, from_status=from_status, to_status=patrol.status,
                           actor=actor, reason=reason)


PATROLS = PatrolWorkflow()
