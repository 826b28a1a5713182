from django.urls import path

from . import views

# <area:code>: grids.converters.AreaCodeConverter
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard-home"),
    path("dashboard/<area:code>/", views.dashboard, name="dashboard"),
    path("dashboard/<area:code>/export/<slug:table>.xlsx", views.dashboard_export, name="dashboard-export"),
    path("dashboard/map/", views.dashboard_map, name="dashboard-map-home"),
    path("dashboard/<area:code>/map/", views.dashboard_map, name="dashboard-map"),
    path("dashboard/screen/", views.big_screen, name="dashboard-screen-home"),
    path("dashboard/<area:code>/screen/", views.big_screen, name="dashboard-screen"),
    path("assessment/", views.assessment, name="assessment-home"),
    path("assessment/<area:code>/", views.assessment, name="assessment"),
    path("assessment/<area:code>/report.xlsx", views.assessment_report, name="assessment-report"),
]
