"""API routes of participation, included under /api/v1/participation/ (namespace "api")."""

from django.urls import path

from . import api

urlpatterns = [
    path("participants/", api.ParticipantListCreateApi.as_view(), name="participation-participant-list"),
    *api.action_patterns(),
    path("participants/<int:participant_id>/points/", api.ParticipantPointsApi.as_view(),
         name="participation-participant-points"),
    path("teams/", api.TeamListCreateApi.as_view(), name="participation-team-list"),
    path("tasks/", api.TaskListCreateApi.as_view(), name="participation-task-list"),
    path("tasks/<int:task_id>/", api.TaskDetailApi.as_view(), name="participation-task-detail"),
    *api.task_action_patterns(),
    path("offers/", api.OfferListCreateApi.as_view(), name="participation-offer-list"),
    path("figures/<area:code>/", api.FiguresApi.as_view(), name="participation-figures"),
    path("projects/", api.ProjectListCreateApi.as_view(), name="participation-project-list"),
    path("projects/<int:project_id>/", api.ProjectDetailApi.as_view(), name="participation-project-detail"),
    *api.project_action_patterns(),
    path("tickets/<int:ticket_id>/task/", api.TicketTaskApi.as_view(), name="participation-ticket-task"),
]
