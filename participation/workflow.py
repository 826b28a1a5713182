"""The course of a registration (报到): who may confirm a participant, from which state.

`PARTICIPANT_TRANSITIONS` is the one table; `PARTICIPANTS` declares it to the shared engine
(govportal.workflow), which locks the row, checks the state and the actor, and writes the
ParticipantEvent in the same transaction.
"""

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from govportal.workflow import Transition, Workflow, WorkflowInputError

from .models import Participant, ParticipantEvent
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
