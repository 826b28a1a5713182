from django.urls import path

from . import views

urlpatterns = [
    path("supervision/", views.board, name="supervision-home"),
    path("supervision/programmes/<int:programme_id>/", views.board, name="supervision-board"),
    path("supervision/programmes/<int:programme_id>/status.xlsx", views.programme_export,
         name="supervision-export"),
    path("supervision/programmes/<int:programme_id>/bulletin.pdf", views.bulletin, name="supervision-bulletin"),
    path("supervision/tasks/<int:task_id>/", views.task_detail, name="supervision-task"),
    path("supervision/milestones/<int:milestone_id>/", views.milestone_detail, name="supervision-milestone"),
    path("supervision/milestones/<int:milestone_id>/act/<slug:action>/", views.milestone_act,
         name="supervision-milestone-act"),
    path("supervision/import/", views.import_sheet, name="supervision-import"),
]
