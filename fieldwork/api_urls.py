"""API routes of field work, included under /api/v1/ (namespace "api")."""

from django.urls import path

from . import api

urlpatterns = [
    path("patrols/", api.PatrolListStartApi.as_view(), name="patrol-list"),
    path("patrols/figures/", api.PatrolFiguresApi.as_view(), name="patrol-figures"),
    path("patrols/tracks/", api.TracksApi.as_view(), name="patrol-tracks"),
    path("patrols/<int:patrol_id>/", api.PatrolDetailApi.as_view(), name="patrol-detail"),
    path("patrols/<int:patrol_id>/points/", api.PatrolPointsApi.as_view(), name="patrol-points"),
    path("patrols/<int:patrol_id>/end/", api.PatrolEndApi.as_view(), name="patrol-end"),
    path("patrols/<int:patrol_id>/findings/problem/", api.PatrolProblemApi.as_view(), name="patrol-problem"),
    path("patrols/<int:patrol_id>/findings/nothing-found/", api.PatrolNothingFoundApi.as_view(),
         name="patrol-nothing-found"),
    path("check-ins/", api.CheckInApi.as_view(), name="check-in"),
]
