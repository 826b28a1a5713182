"""API routes of participation, included under /api/v1/participation/ (namespace "api")."""

from django.urls import path

from . import api

urlpatterns = [
    path("participants/", api.ParticipantListCreateApi.as_view(), name="participation-participant-list"),
    *api.action_patterns(),
    path("teams/", api.TeamListCreateApi.as_view(), name="participation-team-list"),
]
