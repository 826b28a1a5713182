"""The course of a residence on the shared engine (govportal.workflow): living, then moved out.

Moving in is a creation (services.resident_move_in), like starting a patrol; the table holds the
moves of a residence that exists. A moved-out residence stays as history: moving again (elsewhere or
back) opens a new one.
"""

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from govportal.workflow import Transition, Workflow, WorkflowInputError

from .models import Residence, ResidenceEvent
from .selectors import may_edit, register_scope_q

S = Residence.Status
NOT_YOUR_GRID = _("Only the grid workers of this grid edit its registers.")
GRID_WORKERS = (User.Role.GRID_WORKER,)


class RegisterInputError(WorkflowInputError):
    """Input that breaks a rule of the registers (HTTP 400)."""


# party: "grid_worker" (a worker of the residence's grid).
TRANSITIONS = {
    "move_out": Transition((S.LIVING,), S.MOVED_OUT, "grid_worker", GRID_WORKERS),
}

ACTION_LABELS = {"move_in": _("Moved in"), "move_out": _("Moved out")}


class ResidenceWorkflow(Workflow):
    """Residences on the shared engine."""

    model, event_model, transitions, action_labels = Residence, ResidenceEvent, TRANSITIONS, ACTION_LABELS
    not_allowed = _("“%(action)s” is not allowed while the residence is %(status)s.")
    input_error = RegisterInputError

    def is_visible(self, residence, user):
        return Residence.objects.filter(register_scope_q(user=user), pk=residence.pk).exists()

    def party_refusal(self, residence, user, party):
        if party == "grid_worker" and not may_edit(user=user, area_code=residence.area_code):
            return NOT_YOUR_GRID
        return None

    def event(self, residence, *, action, from_status, actor, reason_code, reason):
        return ResidenceEvent(residence=residence, action=action, from_status=from_status,
                              to_status=residence.status, actor=actor, reason=reason)


RESIDENCES = ResidenceWorkflow()
