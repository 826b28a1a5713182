from django.urls import path

from . import views

urlpatterns = [
    # A resident's pages, on their phone, without a staff account.
    path("participate/", views.my_participation, name="participation-mine"),
    path("participate/join/", views.register, name="participation-join"),
    path("participate/sign-out/", views.sign_out, name="participation-sign-out"),
    # Community staff.
    path("participation/people/", views.participant_list, name="participation-people"),
    path("participation/people/new/", views.participant_enter, name="participation-person-new"),
    path("participation/people/<int:participant_id>/act/<slug:action>/", views.participant_act,
         name="participation-person-act"),
    path("participation/teams/", views.team_list, name="participation-teams"),
]
