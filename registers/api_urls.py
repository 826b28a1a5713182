"""API routes of the registers, included under /api/v1/registers/ (namespace "api")."""

from django.urls import path

from . import api

urlpatterns = [
    path("houses/", api.HouseListApi.as_view(), name="registers-house-list"),
    path("houses/<int:house_id>/", api.HouseDetailApi.as_view(), name="registers-house-detail"),
    path("houses/<int:house_id>/move-in/", api.MoveInApi.as_view(), name="registers-move-in"),
    path("houses/<int:house_id>/rental/", api.RentalRegisterApi.as_view(), name="registers-rental-register"),
    path("residences/<int:residence_id>/move-out/", api.MoveOutApi.as_view(), name="registers-move-out"),
    path("rental-houses/<int:rental_house_id>/inspections/", api.InspectionApi.as_view(),
         name="registers-inspection"),
    path("residents/<int:resident_id>/reveal/", api.ResidentRevealApi.as_view(), name="registers-reveal"),
    path("areas/<area:code>/counts/", api.RegisterCountsApi.as_view(), name="registers-counts"),
    path("rental-houses/map/", api.RentalHouseMapApi.as_view(), name="registers-rental-map"),
]
