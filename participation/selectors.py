"""Reads of participation, scoped by area (accounts.access) for staff and by person for participants."""

from django.db.models import Count, Q

from accounts.access import is_in_scope, restrict_to_scope, visible_one
from govportal.crypto import blind_index
from grids.models import Area

from .models import Participant, Task, TaskClaim, Team


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
