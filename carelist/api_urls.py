"""API routes of the special groups, included under /api/v1/carelist/ (namespace "api")."""

from django.urls import path

from . import api

urlpatterns = [
    path("groups/", api.GroupListApi.as_view(), name="carelist-group-list"),
    path("persons/", api.PersonListApi.as_view(), name="carelist-person-list"),
    path("persons/<int:person_id>/", api.PersonDetailApi.as_view(), name="carelist-person-detail"),
    path("grid-counts/", api.GridCountsApi.as_view(), name="carelist-grid-counts"),
    *api.action_patterns(),
]
