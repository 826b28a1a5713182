"""Reads of participation, scoped by area (accounts.access) for staff and by person for participants."""

from accounts.access import is_in_scope, restrict_to_scope, visible_one
from govportal.crypto import blind_index
from grids.models import Area

from .models import Participant, Team


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
