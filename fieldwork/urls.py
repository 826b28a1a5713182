from django.urls import path

from . import views

urlpatterns = [
    path("fieldwork/", views.fieldwork_home, name="fieldwork-home"),
    path("fieldwork/figures/", views.patrol_figures, name="patrol-figures"),
    path("fieldwork/patrols/start/", views.patrol_start, name="patrol-start"),
    path("fieldwork/patrols/<int:patrol_id>/", views.patrol_detail, name="patrol-detail"),
    path("fieldwork/patrols/<int:patrol_id>/end/", views.patrol_end, name="patrol-end"),
]
