"""The course of a milestone: which action is allowed from which state, for whom.

`TRANSITIONS` is the one table of allowed moves; `MILESTONES` declares it to the shared engine
(govportal.workflow), which locks the milestone, checks the table and the actor, changes the row
and writes its MilestoneEvent in one transaction. The `milestone_<action>` services are its only
callers for single moves; the deadline sweep reads its states and actions from the same table.
"""

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from govportal.workflow import SYSTEM, Guard, System, Transition, Workflow, WorkflowInputError

from .models import Milestone, MilestoneEvent
from .selectors import milestone_is_visible

S = Milestone.Status
NOT_RESPONSIBLE = _("Only a responsible unit of this task may report on it.")
NOT_LEAD = _("Only the lead unit of this task may do this.")
NOT_OFFICE = _("Only the programme's supervision office may do this.")
NOTHING_REPORTED = _("No responsible unit has reported on this milestone yet.")


class SupervisionInputError(WorkflowInputError):
    """Input that breaks a rule of supervision (HTTP 400)."""


# The staff who work on tasks in their units; the office's decisions are its leaders' and coordinators'.
UNIT_STAFF = (User.Role.COMMUNITY_STAFF, User.Role.STREET_COORDINATOR, User.Role.DEPARTMENT_HANDLER,
              User.Role.LEADER)
OFFICE_STAFF = (User.Role.STREET_COORDINATOR, User.Role.LEADER)

DEADLINE_SWEEP = System("supervision deadline sweep")
IMPORT = System("programme import")

# The lead unit submits only once some responsible unit has reported.
HAS_REPORTS = Guard(lambda milestone: milestone.reports.exists(), NOTHING_REPORTED)

# party: "responsible" (a responsible unit of the task), "lead" (its lead unit), "office" (the
# programme's supervision office) or SYSTEM.
TRANSITIONS = {
    "report": Transition(Milestone.PENDING, None, "responsible", UNIT_STAFF),
    "submit": Transition(Milestone.PENDING, S.SUBMITTED, "lead", UNIT_STAFF, guard=HAS_REPORTS),
    "accept": Transition((S.SUBMITTED,), S.ACCEPTED, "office", OFFICE_STAFF),
    "return": Transition((S.SUBMITTED,), S.RETURNED, "office", OFFICE_STAFF),
    # The deadline sweep (sweeps): reminders before the due date, then the warning and the
    # supervision order (督办单) once it has passed with the milestone still pending.
    "remind": Transition(Milestone.PENDING, None, SYSTEM),
    "overdue": Transition(Milestone.PENDING, None, SYSTEM),
}

# Every action, by name, as the pages, the timeline and the engine's refusals call it.
ACTION_LABELS = {
    "create": _("Created"), "report": _("Report progress"), "submit": _("Consolidate and submit"),
    "accept": _("Accept"), "return": _("Return"), "remind": _("Reminder sent"),
    "overdue": _("Missed: supervision order issued"),
}


class MilestoneWorkflow(Workflow):
    """Milestones on the shared engine."""

    model, event_model, transitions, action_labels = Milestone, MilestoneEvent, TRANSITIONS, ACTION_LABELS
    not_allowed = _("“%(action)s” is not allowed while the milestone is %(status)s.")
    input_error = SupervisionInputError

    def is_visible(self, milestone, user):
        return milestone_is_visible(user=user, milestone=milestone)

    def party_refusal(self, milestone, user, party):
        task = milestone.task
        if party == "responsible" and not task.responsible_units.filter(pk=user.unit_id).exists():
            return NOT_RESPONSIBLE
        if party == "lead" and user.unit_id != task.lead_unit_id:
            return NOT_LEAD
        if party == "office" and user.unit_id != task.programme.office_id:
            return NOT_OFFICE
        return None

    def event(self, milestone, *, action, from_status, actor, reason_code, reason):
        return MilestoneEvent(milestone=milestone, action=action, from_status=from_status, to_status=milestone.status,
                              actor=actor, unit=getattr(actor, "unit", None), reason=reason)


MILESTONES = MilestoneWorkflow()
