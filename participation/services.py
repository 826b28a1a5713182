"""Writes of participation: registering (by oneself on a phone, or by community staff), confirming,
forming teams, and tasks from posting to the confirmed hours. Each move of a registration, a task or
a claim on it goes through the shared engine (workflow.PARTICIPANTS, TASKS, CLAIMS)."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import FloatField
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import OUTSIDE_SCOPE, is_in_scope
from accounts.models import User
from govportal import crypto
from govportal.masking import mask_numbers, mask_phone
from govportal.workflow import ROLE_NOT_ALLOWED, TransitionNotAllowed
from grids.models import Area
from incidents import verification
from incidents.selectors import ticket_get

from . import photos as task_photos
from . import points
from .models import (
    Participant, ParticipantEvent, ProjectApplication, ProjectEvent, ProjectMilestone, ServiceProject, Task,
    TaskClaim, TaskEvent, Team,
)
from .workflow import APPROVAL, CLAIMS, COMMUNITY_ROLES, PARTICIPANTS, PROJECTS, TASKS, ParticipationInputError

ALREADY_REGISTERED = _("This phone is already registered with this community.")
NOT_A_COMMUNITY = _("Choose a community.")
WORK_UNIT_REQUIRED = _("An in-service party member gives the work unit they belong to.")
WORK_UNIT_ONLY_FOR_PARTY_MEMBERS = _("Only in-service party members give a work unit.")
NOT_CONFIRMED_HERE = _("%(name)s is not a confirmed participant of this community.")
TEAM_NAME_TAKEN = _("This community already has a team of this name.")


def _check_registration(*, community, kind, work_unit):
    if community.level != Area.Level.COMMUNITY:
        raise ParticipationInputError(NOT_A_COMMUNITY, "community")
    if kind == Participant.Kind.PARTY_MEMBER and not work_unit.strip():
        raise ParticipationInputError(WORK_UNIT_REQUIRED, "work_unit")
    if kind != Participant.Kind.PARTY_MEMBER and work_unit.strip():
        raise ParticipationInputError(WORK_UNIT_ONLY_FOR_PARTY_MEMBERS, "work_unit")


def _participant_create(*, community, kind, name, phone, work_unit, skills, status, action, actor):
    """Create the participant and its first event; ALREADY_REGISTERED if the phone is known to the community."""
    try:
        with transaction.atomic():
            participant = Participant.objects.create(
                community=community, kind=kind, name=name.strip(), work_unit=work_unit.strip(), skills=skills.strip(),
                status=status, entered_by=actor, **crypto.sealed("phone", phone, mask=mask_phone, indexed=True))
            ParticipantEvent.objects.create(participant=participant, action=action, to_status=status, actor=actor)
    except IntegrityError:
        raise ParticipationInputError(ALREADY_REGISTERED, "phone") from None
    return participant


def participant_register(*, community, kind, name, phone, code, key, work_unit="", skills=""):
    """Register oneself with `community` on a phone proved by its SMS `code`; the community confirms later.

    `key` names this registration form (its idempotency key): the code belongs to it once used.
    """
    _check_registration(community=community, kind=kind, work_unit=work_unit)
    verification.phone_code_use(phone=phone, code=code, report=key)
    return _participant_create(community=community, kind=kind, name=name, phone=phone, work_unit=work_unit,
                               skills=skills, status=Participant.Status.PENDING, action="register", actor=None)


def participant_enter(*, actor, community, kind, name, phone, work_unit="", skills=""):
    """Enter a participant as community staff: the community vouches for them, so they start confirmed."""
    if not actor.is_superuser and actor.role not in COMMUNITY_ROLES:
        raise PermissionDenied(ROLE_NOT_ALLOWED)
    if not is_in_scope(actor, community.code):
        raise PermissionDenied(OUTSIDE_SCOPE)
    _check_registration(community=community, kind=kind, work_unit=work_unit)
    return _participant_create(community=community, kind=kind, name=name, phone=phone, work_unit=work_unit,
                               skills=skills, status=Participant.Status.CONFIRMED, action="enter", actor=actor)


def participant_confirm(*, participant_id, actor):
    """Confirm a registration: the person may take the community's tasks from now on."""
    return PARTICIPANTS.apply(participant_id, "confirm", actor=actor)


def participant_reject(*, participant_id, actor, reason=""):
    """Refuse a registration, saying why (the person is told on their page)."""
    PARTICIPANTS.require_reason(reason)
    return PARTICIPANTS.apply(participant_id, "reject", actor=actor, reason=reason)


ACTION_SERVICES = {"confirm": participant_confirm, "reject": participant_reject}


def team_create(*, actor, community, kind, name, leader, members=()):
    """Form a team of `community` led by `leader`; the leader and every member are confirmed participants there."""
    if not actor.is_superuser and actor.role not in COMMUNITY_ROLES:
        raise PermissionDenied(ROLE_NOT_ALLOWED)
    if not is_in_scope(actor, community.code):
        raise PermissionDenied(OUTSIDE_SCOPE)
    people = {leader, *members}
    for person in people:
        if person.community_id != community.pk or person.status != Participant.Status.CONFIRMED:
            field = "leader" if person == leader else "members"
            raise ParticipationInputError(NOT_CONFIRMED_HERE % {"name": person.name}, field)
    try:
        with transaction.atomic():
            team = Team.objects.create(community=community, kind=kind, name=name.strip(), leader=leader)
            team.members.set(people)
    except IntegrityError:
        raise ParticipationInputError(TEAM_NAME_TAKEN, "name") from None
    return team


# --- tasks (接单) ---

TAKE_BY_AFTER_START = _("The take-by time comes before the task starts.")
TAKE_BY_PASSED = _("The take-by time has passed already.")
PLACE_OUTSIDE_COMMUNITY = _("The place lies outside the community.")
ALREADY_A_TASK = _("This work order has been turned into a task already.")
NOT_A_PARTICIPANT_HERE = _("Only confirmed participants of the task's community take its tasks.")
ALREADY_TAKEN = _("You have taken this task already.")
NO_PLACE_LEFT = _("All places of this task are taken.")
TASK_NOT_OPEN = _("This task is no longer open.")
TOO_FAR = _("You are %(distance)d m from the task's place; check in within %(radius)d m of it.")
REPORT_REQUIRED = _("Say what was done.")
TICKET_ROLES = (User.Role.GRID_WORKER, *COMMUNITY_ROLES)


def _check_staff(actor, community, roles=COMMUNITY_ROLES):
    if not actor.is_superuser and actor.role not in roles:
        raise PermissionDenied(ROLE_NOT_ALLOWED)
    if not is_in_scope(actor, community.code):
        raise PermissionDenied(OUTSIDE_SCOPE)


def _check_task(*, community, place, starts_at, take_by):
    if community.level != Area.Level.COMMUNITY:
        raise ParticipationInputError(NOT_A_COMMUNITY, "community")
    if take_by > starts_at:
        raise ParticipationInputError(TAKE_BY_AFTER_START, "take_by")
    if take_by <= timezone.now():
        raise ParticipationInputError(TAKE_BY_PASSED, "take_by")
    if not Area.objects.filter(pk=community.pk, geom__intersects=place).exists():
        raise ParticipationInputError(PLACE_OUTSIDE_COMMUNITY, "place")


def task_post(*, actor, community, kind, title, description, place, place_name, starts_at, take_by, quota, hours,
              check_in_radius=200, ticket=None):
    """Post a task (or a 微心愿 need) of `community` for its participants to take."""
    _check_staff(actor, community, TICKET_ROLES if ticket is not None else COMMUNITY_ROLES)
    _check_task(community=community, place=place, starts_at=starts_at, take_by=take_by)
    try:
        with transaction.atomic():
            task = Task.objects.create(
                community=community, kind=kind, title=title.strip(), description=description.strip(), place=place,
                place_name=place_name.strip(), starts_at=starts_at, take_by=take_by, quota=quota, hours=hours,
                check_in_radius=check_in_radius, ticket=ticket, posted_by=actor)
            TaskEvent.objects.create(task=task, action="post", to_status=task.status, actor=actor)
    except IntegrityError:
        raise ParticipationInputError(ALREADY_A_TASK, "ticket") from None
    return task


def task_from_ticket(*, actor, ticket_id, title, starts_at, take_by, quota, hours):
    """Turn a work order into a task for volunteers ("能由群众办的交给群众办"), at the work order's place.

    The description goes to volunteers, so the numbers in it are masked (govportal.masking).

    The work order keeps its own course; the task links to it (and `ticket.participation_task` back).
    """
    ticket = ticket_get(user=actor, ticket_id=ticket_id)  # Ticket.DoesNotExist outside the actor's scope
    if ticket.community is None:
        raise ParticipationInputError(PLACE_OUTSIDE_COMMUNITY, "ticket")
    return task_post(actor=actor, community=ticket.community, kind=Task.Kind.WORK_ORDER, title=title,
                     description=mask_numbers(ticket.description), place=ticket.location, place_name=ticket.address or ticket.number,
                     starts_at=starts_at, take_by=take_by, quota=quota, hours=hours, ticket=ticket)


def task_take(*, task_id, participant):
    """Take a place on an open task (接单); the task's row is locked so that its places are never overrun."""
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task_id)
        if task.status != Task.Status.OPEN:
            raise TransitionNotAllowed(TASK_NOT_OPEN)
        if participant.community_id != task.community_id or participant.status != Participant.Status.CONFIRMED:
            raise PermissionDenied(NOT_A_PARTICIPANT_HERE)
        if task.claims.filter(participant=participant).exists():
            raise TransitionNotAllowed(ALREADY_TAKEN)
        if task.claims.filter(status__in=TaskClaim.HOLDING).count() >= task.quota:
            raise TransitionNotAllowed(NO_PLACE_LEFT)
        claim = TaskClaim.objects.create(task=task, participant=participant)
        TaskEvent.objects.create(task=task, claim=claim, action="take", to_status=claim.status, participant=participant)
    return claim


def _distance_to_place(task_id, point):
    """Return how far (metres, on the sphere) `point` lies from the task's place."""
    return Task.objects.filter(pk=task_id).annotate(
        distance=RawSQL("ST_Distance(place::geography, ST_GeomFromEWKT(%s)::geography)", [point.ewkt],
                        output_field=FloatField())).values_list("distance", flat=True).get()


def claim_check_in(*, claim_id, actor, location):
    """Check in on the spot: `location` (the phone's position) lies within the task's check-in radius."""
    def change(claim):
        distance = _distance_to_place(claim.task_id, location)
        if distance > claim.task.check_in_radius:
            raise ParticipationInputError(
                TOO_FAR % {"distance": round(distance), "radius": claim.task.check_in_radius}, "location")
        claim.checked_in_at, claim.checked_in_location = timezone.now(), location

    return CLAIMS.apply(claim_id, "check_in", actor=actor, change=change)


def claim_withdraw(*, claim_id, actor):
    """Give one's place back before checking in."""
    return CLAIMS.apply(claim_id, "withdraw", actor=actor)


def claim_report(*, claim_id, actor, report, photos=()):
    """Report the task done, saying what was done, with photos of it."""
    if not report.strip():
        raise ParticipationInputError(REPORT_REQUIRED, "report")
    stored = task_photos.photos_store(photos)
    with task_photos.photos_kept_if_committed(stored):
        def change(claim):
            claim.report, claim.reported_at = report.strip(), timezone.now()
            task_photos.photos_attach(claim=claim, photos=stored)

        return CLAIMS.apply(claim_id, "report", actor=actor, change=change)


def claim_send_back(*, claim_id, actor, reason=""):
    """Send a report back to the participant, saying what is missing."""
    CLAIMS.require_reason(reason)
    return CLAIMS.apply(claim_id, "send_back", actor=actor, reason=reason)


def claim_confirm(*, claim_id, actor):
    """Confirm the work done and credit the task's hours to the participant, and their points by the city's rule."""
    def change(claim):
        claim.hours_credited, claim.confirmed_at = claim.task.hours, timezone.now()

    return CLAIMS.apply(claim_id, "confirm", actor=actor, change=change, after=points.points_for_claim)


def task_close(*, task_id, actor):
    """Close the task: nobody takes it any more; the claims on it go on to their confirmation."""
    return TASKS.apply(task_id, "close", actor=actor)


def task_cancel(*, task_id, actor, reason=""):
    """Cancel the task, saying why."""
    TASKS.require_reason(reason)
    return TASKS.apply(task_id, "cancel", actor=actor, reason=reason)


CLAIM_ACTION_SERVICES = {"check_in": claim_check_in, "withdraw": claim_withdraw, "report": claim_report,
                         "send_back": claim_send_back, "confirm": claim_confirm}
TASK_ACTION_SERVICES = {"close": task_close, "cancel": task_cancel}


# --- service projects (三社联动) ---

PERIOD_ENDS_BEFORE_START = _("The period ends before it starts.")
AMOUNT_OVER_BUDGET = _("The amount asked exceeds the project's budget of %(budget)s yuan.")
NOT_AN_APPLICATION_HERE = _("Choose one of the applications submitted to this project.")
MILESTONE_OUTSIDE_PERIOD = _("The milestone lies outside the project's period.")
NO_SUCH_MILESTONE = _("Choose one of the project's milestones not done yet.")
DONE_IN_FUTURE = _("A milestone is recorded done on a day that has come.")
NOTE_REQUIRED = _("Say what was done.")
PLAN_REQUIRED = _("Describe the plan.")
EVALUATION_REQUIRED = _("Write the evaluation.")


def project_post(*, actor, community, title, need, budget, starts_on, ends_on):
    """Post a service project of `community` for the social organisations of its street to apply to."""
    _check_staff(actor, community)
    if community.level != Area.Level.COMMUNITY:
        raise ParticipationInputError(NOT_A_COMMUNITY, "community")
    if ends_on < starts_on:
        raise ParticipationInputError(PERIOD_ENDS_BEFORE_START, "ends_on")
    with transaction.atomic():
        project = ServiceProject.objects.create(community=community, title=title.strip(), need=need.strip(),
                                                budget=budget, starts_on=starts_on, ends_on=ends_on, posted_by=actor)
        ProjectEvent.objects.create(project=project, action="post", to_status=project.status, actor=actor)
    return project


def project_apply(*, project_id, actor, plan, amount):
    """Apply to run the project as the social organisation `actor` (once: the workflow's party check), with a
    plan and the amount asked."""
    if not plan.strip():
        raise ParticipationInputError(PLAN_REQUIRED, "plan")

    def change(project):
        if amount > project.budget:
            raise ParticipationInputError(AMOUNT_OVER_BUDGET % {"budget": project.budget}, "amount")
        project.event_links = {"application": ProjectApplication.objects.create(
            project=project, organisation=actor, plan=plan.strip(), amount=amount)}

    return PROJECTS.apply(project_id, "apply", actor=actor, change=change)


def project_approve(*, project_id, actor, application, reason=""):
    """Approve one organisation's application (the street funds it); the other applications are declined."""
    def change(project):
        if application.project_id != project.pk or application.status != ProjectApplication.Status.SUBMITTED:
            raise ParticipationInputError(NOT_AN_APPLICATION_HERE, "application")
        application.status = ProjectApplication.Status.APPROVED
        application.save(update_fields=["status"])
        project.event_links = {"application": application}

    def decline_the_others(project):
        for other in project.applications.filter(status=ProjectApplication.Status.SUBMITTED):
            other.status = ProjectApplication.Status.DECLINED
            other.save(update_fields=["status"])
            ProjectEvent.objects.create(project=project, application=other, action="decline",
                                        from_status=ProjectApplication.Status.SUBMITTED, to_status=other.status,
                                        system=APPROVAL.name)

    return PROJECTS.apply(project_id, "approve", actor=actor, reason=reason, change=change, after=decline_the_others)


def milestone_plan(*, project_id, actor, title, planned_on):
    """Add a milestone to the project's plan, on a day within its period."""
    def change(project):
        if not project.starts_on <= planned_on <= project.ends_on:
            raise ParticipationInputError(MILESTONE_OUTSIDE_PERIOD, "planned_on")
        project.event_links = {"milestone": ProjectMilestone.objects.create(project=project, title=title.strip(),
                                                                            planned_on=planned_on)}

    return PROJECTS.apply(project_id, "plan_milestone", actor=actor, change=change)


def milestone_done(*, project_id, actor, milestone, done_on, note):
    """Record a milestone done, on which day and what was done (the approved organisation, or community staff)."""
    if not note.strip():
        raise ParticipationInputError(NOTE_REQUIRED, "note")
    if done_on > timezone.localdate():
        raise ParticipationInputError(DONE_IN_FUTURE, "done_on")

    def change(project):
        if milestone.project_id != project.pk or milestone.done_on is not None:
            raise ParticipationInputError(NO_SUCH_MILESTONE, "milestone")
        milestone.done_on, milestone.note = done_on, note.strip()
        milestone.save(update_fields=["done_on", "note"])
        project.event_links = {"milestone": milestone}

    return PROJECTS.apply(project_id, "milestone_done", actor=actor, change=change)


def project_evaluate(*, project_id, actor, score, grade, evaluation):
    """Evaluate the project once every milestone is done (score out of 100, grade, text): this closes it."""
    if not evaluation.strip():
        raise ParticipationInputError(EVALUATION_REQUIRED, "evaluation")

    def change(project):
        project.score, project.grade, project.evaluation = score, grade, evaluation.strip()
        project.evaluated_at = timezone.now()

    return PROJECTS.apply(project_id, "evaluate", actor=actor, change=change)


def project_cancel(*, project_id, actor, reason=""):
    """Cancel a project no application was approved for, saying why."""
    PROJECTS.require_reason(reason)
    return PROJECTS.apply(project_id, "cancel", actor=actor, reason=reason)


PROJECT_ACTION_SERVICES = {"approve": project_approve, "plan_milestone": milestone_plan,
                           "milestone_done": milestone_done, "evaluate": project_evaluate, "cancel": project_cancel}
