from django.urls import path

from . import views

urlpatterns = [
    path("registers/", views.registers_home, name="registers-home"),
    path("registers/houses/new/", views.house_add, name="registers-house-add"),
    path("registers/houses/<int:house_id>/", views.house_detail, name="registers-house"),
    path("registers/houses/<int:house_id>/move-in/", views.move_in, name="registers-move-in"),
    path("registers/residences/<int:residence_id>/move-out/", views.move_out, name="registers-move-out"),
    path("registers/houses/<int:house_id>/rental/", views.rental_register, name="registers-rental-register"),
    path("registers/rental-houses/<int:rental_house_id>/inspect/", views.inspect, name="registers-inspect"),
    path("registers/residents/<int:resident_id>/reveal/", views.reveal, name="registers-reveal"),
]
