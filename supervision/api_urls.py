"""API routes of supervision, included under /api/v1/supervision/ (namespace "api")."""

from django.urls import path

from . import api

urlpatterns = [
    path("programmes/", api.ProgrammeListApi.as_view(), name="supervision-programme-list"),
    path("programmes/<int:programme_id>/tasks/", api.ProgrammeTasksApi.as_view(), name="supervision-task-list"),
    path("milestones/<int:milestone_id>/", api.MilestoneDetailApi.as_view(), name="supervision-milestone-detail"),
    *api.action_patterns(),
]
