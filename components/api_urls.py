"""API routes of city components, included under /api/v1/ (namespace "api")."""

from django.urls import path

from . import api

urlpatterns = [
    path("components/", api.ComponentListApi.as_view(), name="component-list"),
    path("components/kinds/", api.ComponentKindListApi.as_view(), name="component-kinds"),
    path("components/map/", api.ComponentMapApi.as_view(), name="component-map"),
    path("components/<str:code>/", api.ComponentDetailApi.as_view(), name="component-detail"),
]
