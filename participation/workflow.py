"""The course of a registration (报到): who may confirm a participant, from which state.

`PARTICIPANT_TRANSITIONS` is the one table; `PARTICIPANTS` declares it to the shared engine
(govportal.workflow), which locks the row, checks the state and the actor, and writes the
ParticipantEvent in the same transaction.
"""

from django.utils.translation import gettext_lazy as _, pgettext_lazy

from accounts.access import is_in_scope
from accounts.models import User
from govportal.workflow import SYSTEM, Guard, System, Transition, Workflow, WorkflowInputError

from .models import Participant, ParticipantEvent, ProjectEvent, ServiceProject, Task, TaskClaim, TaskEvent
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
    "first_report": _("Registered by a first valid report"),
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


# --- service projects (三社联动) ---

S = ServiceProject.Status
STREET_ROLES = (User.Role.STREET_COORDINATOR,)
NOT_AN_ORGANISATION_HERE = _("Only confirmed social organisations of the project's street apply to it.")
ALREADY_APPLIED = _("Your organisation has applied to this project already.")
NOT_THE_APPROVED_ORGANISATION = _("Only the approved organisation or the community's staff record this.")
MILESTONES_NOT_DONE = _("Every milestone is done before the project is evaluated.")
APPROVAL = System("project approval")


def _all_milestones_done(project):
    milestones = project.milestones.all()
    return milestones.exists() and not milestones.filter(done_on__isnull=True).exists()


# party "community": staff whose scope holds the project's community; "street": the street's
# coordinators (roles), the scope checked by the engine; "organisation": a confirmed social
# organisation registered in the project's street; "delivery": the organisation whose application
# was approved, or the community's staff.
PROJECT_TRANSITIONS = {
    "apply": Transition((S.OPEN,), None, "organisation"),
    "approve": Transition((S.OPEN,), S.RUNNING, "street", STREET_ROLES),
    "plan_milestone": Transition((S.OPEN, S.RUNNING), None, "community", COMMUNITY_ROLES),
    "milestone_done": Transition((S.RUNNING,), None, "delivery"),
    "evaluate": Transition((S.RUNNING,), S.EVALUATED, "community", COMMUNITY_ROLES,
                           guard=Guard(_all_milestones_done, MILESTONES_NOT_DONE)),
    "cancel": Transition((S.OPEN,), S.CANCELLED, "community", COMMUNITY_ROLES),
}

PROJECT_ACTION_LABELS = {
    "post": _("Post the project"), "apply": _("Apply"), "approve": _("Approve an application"),
    "decline": _("Declined: another application was approved"),
    "plan_milestone": _("Plan a milestone"), "milestone_done": _("Record a milestone done"),
    "evaluate": _("Evaluate and close"), "cancel": _("Cancel the project"),
}


def is_organisation_of_street(participant, project):
    """Return whether `participant` is a confirmed social organisation of the street of `project`'s community."""
    return (participant.kind == Participant.Kind.SOCIAL_ORGANISATION
            and participant.status == Participant.Status.CONFIRMED
            and participant.community.parent_id == project.community.parent_id)


class ProjectWorkflow(Workflow):
    """Service projects on the shared engine. A move that concerns an application or a milestone names
    it in `project.event_links` (set by the move's change), so its event row points at it."""

    model, event_model = ServiceProject, ProjectEvent
    transitions, action_labels = PROJECT_TRANSITIONS, PROJECT_ACTION_LABELS
    not_allowed = _("“%(action)s” is not allowed while the project is %(status)s.")
    input_error = ParticipationInputError

    def is_visible(self, project, user):
        if _is_participant(user):  # the people of its street, and whoever applied to it
            return (user.community.parent_id == project.community.parent_id
                    or project.applications.filter(organisation=user).exists())
        return is_in_scope(user, project.community.code)

    def party_refusal(self, project, user, party):
        if party == "organisation":  # once: the engine asks this with the project's row locked
            if not (_is_participant(user) and is_organisation_of_street(user, project)):
                return NOT_AN_ORGANISATION_HERE
            return ALREADY_APPLIED if project.applications.filter(organisation=user).exists() else None
        if party == "delivery":
            if _is_participant(user):
                approved = project.approved_application
                return None if approved is not None and approved.organisation_id == user.pk \
                    else NOT_THE_APPROVED_ORGANISATION
            return None if user.is_superuser or user.role in COMMUNITY_ROLES else NOT_THE_APPROVED_ORGANISATION
        return STAFF_ONLY if _is_participant(user) else None

    def event(self, project, *, action, from_status, actor, reason_code, reason):
        person = {"participant": actor} if _is_participant(actor) else {"actor": actor}
        return ProjectEvent(project=project, action=action, from_status=from_status, to_status=project.status,
                            reason=reason, **getattr(project, "event_links", {}), **person)


PROJECTS = ProjectWorkflow()
