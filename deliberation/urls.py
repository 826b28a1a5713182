from django.urls import path

from . import views

urlpatterns = [
    # Residents, on their phone, without a staff account.
    path("deliberate/<area:code>/", views.community_page, name="deliberation-community"),
    path("deliberate/<area:code>/raise/", views.topic_raise, name="deliberation-raise"),
    path("deliberate/topics/<int:topic_id>/", views.topic_page, name="deliberation-topic-public"),
    path("deliberate/topics/<int:topic_id>/support/", views.topic_support, name="deliberation-support"),
    path("deliberate/topics/<int:topic_id>/photos/<int:photo_id>/", views.topic_photo, name="deliberation-photo"),
    path("deliberate/topics/<int:topic_id>/photos/<int:photo_id>/thumbnail/", views.topic_photo,
         {"thumbnail": True}, name="deliberation-thumbnail"),
    # Community staff.
    path("deliberation/", views.topic_list_page, name="deliberation-topics"),
    path("deliberation/topics/new/", views.topic_new, name="deliberation-topic-new"),
    path("deliberation/topics/<int:topic_id>/", views.topic_detail, name="deliberation-topic"),
    path("deliberation/topics/<int:topic_id>/act/<slug:action>/", views.topic_act, name="deliberation-topic-act"),
    path("deliberation/meetings/", views.meeting_list_page, name="deliberation-meetings"),
    path("deliberation/meetings/<int:meeting_id>/", views.meeting_detail, name="deliberation-meeting"),
]
