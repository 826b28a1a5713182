from django.urls import path

from . import views
from .models import Notification

urlpatterns = [
    path("tickets/new/", views.ticket_report, name="ticket-report"),
    path("tickets/mine/", views.my_reports, name="ticket-mine"),
    path("tickets/verify/", views.verification_queue, name="ticket-verify-queue"),
    path("tickets/inbox/", views.inbox, name="ticket-inbox"),
    path("tickets/board/", views.dispatch_board, name="ticket-board"),
    path("tickets/<int:ticket_id>/", views.ticket_detail, name="ticket-detail"),
    path("tickets/<int:ticket_id>/act/<slug:action>/", views.ticket_act, name="ticket-act"),
    path("tickets/<int:ticket_id>/photos/<int:photo_id>/", views.ticket_photo, name="ticket-photo"),
    path("tickets/<int:ticket_id>/photos/<int:photo_id>/thumbnail/", views.ticket_photo, {"thumbnail": True},
         name="ticket-photo-thumbnail"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/unit/", views.notifications, {"feed": Notification.Feed.UNIT}, name="notifications-unit"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    path("report/", views.citizen_report, name="citizen-report"),
    path("report/code/", views.citizen_report_code, name="citizen-report-code"),
    path("report/progress/", views.citizen_progress, name="citizen-progress"),
]
