from django.urls import path

from . import views

urlpatterns = [
    path("map/", views.area_map, name="area-map"),
]
