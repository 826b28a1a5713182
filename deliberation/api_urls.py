"""API routes of deliberation, included under /api/v1/deliberation/ (namespace "api")."""

from django.urls import path

from . import api

urlpatterns = [
    path("topics/", api.TopicListCreateApi.as_view(), name="deliberation-topic-list"),
    path("topics/<int:topic_id>/", api.TopicDetailApi.as_view(), name="deliberation-topic-detail"),
    *api.action_patterns(),
    path("meetings/", api.MeetingListCreateApi.as_view(), name="deliberation-meeting-list"),
    path("meetings/<int:meeting_id>/", api.MeetingDetailApi.as_view(), name="deliberation-meeting-detail"),
    path("meetings/<int:meeting_id>/attendance/", api.MeetingAttendanceApi.as_view(),
         name="deliberation-meeting-attendance"),
    path("meetings/<int:meeting_id>/minutes/", api.MeetingMinutesApi.as_view(), name="deliberation-meeting-minutes"),
    path("figures/<area:code>/", api.FiguresApi.as_view(), name="deliberation-figures"),
]
