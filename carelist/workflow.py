"""The course of a special-group file: who may record a visit, who closes it, what the sweep writes.

`TRANSITIONS` declares the file to the shared engine (govportal.workflow), which locks the person,
checks the table and the actor and writes the CareEvent in one transaction; the overdue sweep
reads its source states and action from the same table.
"""

from django.utils.translation import gettext_lazy as _

from govportal.workflow import SYSTEM, Transition, Workflow, WorkflowInputError

from .models import CareEvent, CarePerson
from .selectors import is_leadership, person_is_helper, person_is_visible

S = CarePerson.Status
NOT_A_HELPER = _("Only the person's helpers record visits.")
NOT_LEADERSHIP = _("Only the leadership of the person's community, street or district may do this.")


class CareInputError(WorkflowInputError):
    """Input that breaks a rule of the special-group files (HTTP 400)."""


# party: "helper" (a helper of this person), "leadership" (a leader whose area holds the grid) or SYSTEM.
TRANSITIONS = {
    "record_visit": Transition((S.ACTIVE,), None, "helper"),
    "close": Transition((S.ACTIVE,), S.CLOSED, "leadership"),
    "warn_overdue": Transition((S.ACTIVE,), None, SYSTEM),
}

ACTION_LABELS = {
    "register": _("Registered"),
    "record_visit": _("Record a visit"), "close": _("Close the file"), "warn_overdue": _("Overdue visit warned"),
}


class CareWorkflow(Workflow):
    """Special-group files on the shared engine."""

    model, event_model, transitions, action_labels = CarePerson, CareEvent, TRANSITIONS, ACTION_LABELS
    not_allowed = _("“%(action)s” is not allowed while the file is %(status)s.")
    input_error = CareInputError

    def is_visible(self, person, user):
        return person_is_visible(user=user, person=person)

    def party_refusal(self, person, user, party):
        if party == "helper" and not person_is_helper(user=user, person=person):
            return NOT_A_HELPER
        if party == "leadership" and not is_leadership(user):
            return NOT_LEADERSHIP
        return None

    def event(self, person, *, action, from_status, actor, reason_code, reason):
        return CareEvent(person=person, action=action, from_status=from_status, to_status=person.status,
                         actor=actor, reason=reason)


CARE = CareWorkflow()
