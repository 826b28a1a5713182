from django.urls import path

from . import views

urlpatterns = [
    path("carelist/", views.visits_due_list, name="carelist-home"),
    path("carelist/persons/new/", views.person_register, name="carelist-register"),
    path("carelist/persons/<int:person_id>/", views.person_detail, name="carelist-person"),
    path("carelist/persons/<int:person_id>/visit/", views.visit_record, name="carelist-visit"),
]
