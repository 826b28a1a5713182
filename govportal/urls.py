from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts import api as accounts_api
from dashboards import api as dashboards_api
from dispatch import api as dispatch_api
from grids import api as grids_api
from hotline import urls as hotline_urls
from incidents import api as incidents_api

from . import health, views

# Swagger UI with the CSP nonce on its inline script and style.
swagger_ui = SpectacularSwaggerView.as_view(url_name="schema", template_name="govportal/swagger_ui.html")

api_v1 = [
    path("auth/token/", accounts_api.TokenCreateApi.as_view(), name="token"),
    path("auth/logout/", accounts_api.TokenLogoutApi.as_view(), name="logout"),
    path("auth/logout-all/", accounts_api.TokenLogoutAllApi.as_view(), name="logout-all"),
    re_path(r"^locate/?$", grids_api.LocateApi.as_view(), name="locate"),
    path("areas/", grids_api.AreaListApi.as_view(), name="area-list"),
    path("areas/outline/", grids_api.AreaOutlineApi.as_view(), name="area-outline"),
    path("areas/<area:code>/", grids_api.AreaDetailApi.as_view(), name="area-detail"),
    path("categories/", incidents_api.CategoryListApi.as_view(), name="category-list"),
    path("tickets/", incidents_api.TicketListCreateApi.as_view(), name="ticket-list"),
    path("tickets/batch/", incidents_api.TicketBatchCreateApi.as_view(), name="ticket-batch"),
    path("tickets/<int:ticket_id>/", incidents_api.TicketDetailApi.as_view(), name="ticket-detail"),
    path("tickets/<int:ticket_id>/timeline/", incidents_api.TicketTimelineApi.as_view(), name="ticket-timeline"),
    *incidents_api.action_patterns(),
    path("dispatch/proposal/", dispatch_api.DispatchProposalApi.as_view(), name="dispatch-proposal"),
    path("mediation/", include("mediation.api_urls")),
    path("participation/", include("participation.api_urls")),
    path("supervision/", include("supervision.api_urls")),
    path("carelist/", include("carelist.api_urls")),
    path("", include("fieldwork.api_urls")),
    path("registers/", include("registers.api_urls")),
    path("dashboard/areas/<area:code>/", dashboards_api.DashboardSummaryApi.as_view(), name="dashboard-summary"),
    path("dashboard/areas/<area:code>/children/", dashboards_api.DashboardChildrenApi.as_view(),
         name="dashboard-children"),
    path("dashboard/areas/<area:code>/trend/", dashboards_api.DashboardTrendApi.as_view(), name="dashboard-trend"),
    path("dashboard/areas/<area:code>/categories/", dashboards_api.DashboardCategoriesApi.as_view(),
         name="dashboard-categories"),
    path("dashboard/areas/<area:code>/top-grids/", dashboards_api.DashboardTopGridsApi.as_view(),
         name="dashboard-top-grids"),
    path("dashboard/areas/<area:code>/map/", dashboards_api.DashboardMapApi.as_view(), name="dashboard-map"),
    path("dashboard/areas/<area:code>/ranking/", dashboards_api.AssessmentRankingApi.as_view(),
         name="dashboard-ranking"),
    *hotline_urls.api_patterns,
]

handler404 = views.not_found

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("manifest.webmanifest", views.web_manifest, name="web-manifest"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", login_required(swagger_ui), name="swagger-ui"),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("", include("accounts.urls")),
    path("", include("grids.urls")),
    path("", include("incidents.urls")),
    path("", include("mediation.urls")),
    path("", include("participation.urls")),
    path("", include("fieldwork.urls")),
    path("", include("registers.urls")),
    path("", include("hotline.urls")),
    path("open311/", include((hotline_urls.open311_patterns, "open311"), namespace="open311")),
    path("", include("dashboards.urls")),
    path("", include("audit.urls")),
    path("", include("supervision.urls")),
    path("", include("carelist.urls")),
]

# A database outage answers 503 with Retry-After, not 500 (govportal.handlers).
handler500 = "govportal.handlers.server_error"
