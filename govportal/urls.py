from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken

from grids import api as grids_api
from incidents import api as incidents_api

api_v1 = [
    path("auth/token/", ObtainAuthToken.as_view(), name="token"),
    re_path(r"^locate/?$", grids_api.LocateApi.as_view(), name="locate"),
    path("areas/", grids_api.AreaListApi.as_view(), name="area-list"),
    path("areas/<str:code>/", grids_api.AreaDetailApi.as_view(), name="area-detail"),
    path("categories/", incidents_api.CategoryListApi.as_view(), name="category-list"),
    path("tickets/", incidents_api.TicketListCreateApi.as_view(), name="ticket-list"),
    path("tickets/<int:ticket_id>/", incidents_api.TicketDetailApi.as_view(), name="ticket-detail"),
    path("tickets/<int:ticket_id>/timeline/", incidents_api.TicketTimelineApi.as_view(), name="ticket-timeline"),
    path("tickets/<int:ticket_id>/<slug:action>/", incidents_api.TicketActionApi.as_view(), name="ticket-action"),
]

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("", include("accounts.urls")),
    path("", include("grids.urls")),
    path("", include("incidents.urls")),
]
