"""Reads of participation, scoped by area (accounts.access) for staff and by person for participants."""

from decimal import Decimal

from django.contrib.gis.db.models.functions import Distance
from django.db.models import Avg, Count, F, Min, Q, Sum

from accounts.access import is_in_scope, restrict_to_scope, visible_one
from govportal.crypto import blind_index
from grids.models import Area

from .models import Participant, ServiceProject, Task, TaskClaim, Team


def participant_is_visible(*, user, participant):
    """Return whether staff `user` sees `participant` (their community lies in the user's scope)."""
    return is_in_scope(user, participant.community.code)


def participant_list(*, user):
    """Return the participants of the communities in `user`'s scope, awaiting confirmation first."""
    visible = restrict_to_scope(Participant.objects.select_related("community"), user, code_field="community__code")
    return visible.order_by("-status", "community__code", "name")


def participant_get(*, user, participant_id):
    """Return a participant `user` sees; Participant.DoesNotExist otherwise (404)."""
    return visible_one(participant_list(user=user), participant_id)


def participants_of_phone(*, phone):
    """Return every registration of `phone` (one per community), found by its keyed hash."""
    return Participant.objects.filter(phone_hash=blind_index(phone)).select_related("community")


def team_list(*, user):
    """Return the teams of the communities in `user`'s scope, with their leader and members."""
    teams = Team.objects.select_related("community", "leader").prefetch_related("members")
    return restrict_to_scope(teams, user, code_field="community__code")


def communities_for(*, user=None):
    """Return the communities one may register with (all of them), or those in staff `user`'s scope."""
    communities = Area.objects.filter(level=Area.Level.COMMUNITY).order_by("code")
    return communities if user is None else restrict_to_scope(communities, user)


# --- tasks ---

def task_list(*, user):
    """Return the tasks of the communities in staff `user`'s scope, soonest first."""
    tasks = Task.objects.select_related("community").annotate(
        taken=Count("claims", filter=Q(claims__status__in=TaskClaim.HOLDING)))
    return restrict_to_scope(tasks, user, code_field="community__code").order_by("status", "starts_at", "pk")


def task_get(*, user, task_id):
    """Return a task `user` sees; Task.DoesNotExist otherwise (404)."""
    return visible_one(task_list(user=user), task_id)


def open_tasks_for(*, participants):
    """Return the open tasks of the communities where `participants` (one phone's registrations) are confirmed."""
    communities = [p.community_id for p in participants if p.status == Participant.Status.CONFIRMED]
    return Task.objects.filter(community__in=communities, status=Task.Status.OPEN).select_related("community").annotate(
        taken=Count("claims", filter=Q(claims__status__in=TaskClaim.HOLDING))).order_by("starts_at", "pk")


def claims_of(*, participants):
    """Return the claims of `participants` (one phone's registrations), newest task first."""
    return TaskClaim.objects.filter(participant__in=participants).select_related("task__community").order_by(
        "-task__starts_at", "-pk")


def claim_get(*, user, claim_id):
    """Return a claim on a task `user` (staff) sees; TaskClaim.DoesNotExist otherwise (404)."""
    claims = restrict_to_scope(TaskClaim.objects.select_related("task__community", "participant"), user,
                               code_field="task__community__code")
    return visible_one(claims, claim_id)


def claim_of_participant(*, participants, claim_id):
    """Return one of the claims of `participants`; TaskClaim.DoesNotExist otherwise (404)."""
    return visible_one(claims_of(participants=participants), claim_id)


# --- figures ---

def participation_figures(*, area, period):
    """Return the figures of participation in `area` (a street, a community, …) over `period`.

    Registered people by kind (confirmed) and awaiting confirmation; hours confirmed; tasks posted,
    places taken and claims confirmed; the average hours from posting to a place being taken; needs
    (微心愿) met, a need counting once when its first claim was confirmed in the period.
    """
    start, end = period.bounds()
    inside = {"community__code__startswith": area.scope_prefix}
    people = Participant.objects.filter(**inside)
    by_kind = dict(people.filter(status=Participant.Status.CONFIRMED).values_list("kind").annotate(n=Count("pk")))
    claims = TaskClaim.objects.filter(**{f"task__{key}": value for key, value in inside.items()})
    confirmed = claims.filter(status=TaskClaim.Status.CONFIRMED, confirmed_at__gte=start, confirmed_at__lt=end)
    taken = claims.filter(created_at__gte=start, created_at__lt=end)
    wait = taken.aggregate(wait=Avg(F("created_at") - F("task__created_at")))["wait"]
    needs_met = Task.objects.filter(kind=Task.Kind.WISH, **inside).annotate(
        first_confirmed=Min("claims__confirmed_at")).filter(first_confirmed__gte=start, first_confirmed__lt=end)
    return {
        "area": area.code,
        "participants": {kind: by_kind.get(kind, 0) for kind, _label in Participant.REGISTERED_KINDS},
        "awaiting_confirmation": people.filter(status=Participant.Status.PENDING).count(),
        "hours": confirmed.aggregate(hours=Sum("hours_credited"))["hours"] or Decimal("0"),
        "tasks_posted": Task.objects.filter(created_at__gte=start, created_at__lt=end, **inside).count(),
        "places_taken": taken.count(),
        "claims_confirmed": confirmed.count(),
        "average_hours_to_take": None if wait is None else round(wait.total_seconds() / 3600, 1),
        "needs_met": needs_met.count(),
    }


# --- service projects ---

def project_list(*, user):
    """Return the service projects of the communities in staff `user`'s scope, newest first."""
    projects = ServiceProject.objects.select_related("community")
    return restrict_to_scope(projects, user, code_field="community__code").order_by("-created_at", "-pk")


def project_get(*, user, project_id):
    """Return a project staff `user` sees; ServiceProject.DoesNotExist otherwise (404)."""
    return visible_one(project_list(user=user), project_id)


def projects_for_organisations(*, participants):
    """Return the projects one phone's registrations see as a social organisation: those open in the
    streets where it is a confirmed organisation, and those it applied to."""
    organisations = [p for p in participants if p.kind == Participant.Kind.SOCIAL_ORGANISATION]
    streets = [p.community.parent_id for p in organisations if p.status == Participant.Status.CONFIRMED]
    return ServiceProject.objects.filter(
        Q(status=ServiceProject.Status.OPEN, community__parent__in=streets)
        | Q(applications__organisation__in=organisations)).select_related("community").distinct().order_by(
        "-created_at", "-pk")


def project_of_organisations(*, participants, project_id):
    """Return one of the projects `participants` see as an organisation; ServiceProject.DoesNotExist otherwise."""
    return visible_one(projects_for_organisations(participants=participants), project_id)


def projects_running(*, area):
    """Return how many service projects run now in `area` (a street, a community, …)."""
    return ServiceProject.objects.filter(status=ServiceProject.Status.RUNNING,
                                         community__code__startswith=area.scope_prefix).count()


def community_of_report(ticket):
    """Return the community a citizen's report earns its points in: the work order's own, or for a place
    outside every community the nearest one (None only if there is no community at all)."""
    if ticket.community_id is not None:
        return ticket.community
    return Area.objects.filter(level=Area.Level.COMMUNITY).annotate(
        distance=Distance("geom", ticket.location)).order_by("distance", "code").first()
