from django.urls import path

from . import views

urlpatterns = [
    # A resident's pages, on their phone, without a staff account.
    path("participate/", views.my_participation, name="participation-mine"),
    path("participate/join/", views.register, name="participation-join"),
    path("participate/offers/<int:offer_id>/redeem/", views.offer_redeem, name="participation-redeem"),
    path("participate/sign-out/", views.sign_out, name="participation-sign-out"),
    path("participate/tasks/<int:task_id>/take/", views.task_take, name="participation-take"),
    path("participate/claims/<int:claim_id>/", views.claim_page, name="participation-claim"),
    path("participate/claims/<int:claim_id>/act/<slug:action>/", views.claim_act, name="participation-claim-act"),
    path("participate/claims/<int:claim_id>/photos/<int:photo_id>/", views.claim_photo,
         name="participation-claim-photo"),
    path("participate/claims/<int:claim_id>/photos/<int:photo_id>/thumbnail/", views.claim_photo,
         {"thumbnail": True}, name="participation-claim-thumbnail"),
    path("participate/projects/<int:project_id>/", views.organisation_project,
         name="participation-organisation-project"),
    path("participate/projects/<int:project_id>/act/<slug:action>/", views.organisation_project_act,
         name="participation-organisation-project-act"),
    # Community staff.
    path("participation/people/", views.participant_list, name="participation-people"),
    path("participation/people/new/", views.participant_enter, name="participation-person-new"),
    path("participation/people/<int:participant_id>/act/<slug:action>/", views.participant_act,
         name="participation-person-act"),
    path("participation/teams/", views.team_list, name="participation-teams"),
    path("participation/tasks/", views.task_list, name="participation-tasks"),
    path("participation/tasks/new/", views.task_post, name="participation-task-new"),
    path("participation/tasks/<int:task_id>/", views.task_detail, name="participation-task"),
    path("participation/tasks/<int:task_id>/act/<slug:action>/", views.task_act, name="participation-task-act"),
    path("participation/claims/<int:claim_id>/act/<slug:action>/", views.claim_staff_act,
         name="participation-claim-staff-act"),
    path("participation/projects/", views.project_list, name="participation-projects"),
    path("participation/projects/new/", views.project_post, name="participation-project-new"),
    path("participation/projects/<int:project_id>/", views.project_detail, name="participation-project"),
    path("participation/projects/<int:project_id>/act/<slug:action>/", views.project_act,
         name="participation-project-act"),
    path("participation/tickets/<int:ticket_id>/task/", views.ticket_task, name="participation-ticket-task"),
]
