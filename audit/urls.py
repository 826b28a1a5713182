from django.urls import path

from . import views

urlpatterns = [
    path("audit/", views.audit_events, name="audit-events"),
    path("audit/export.<slug:file_format>", views.audit_export, name="audit-export"),
]
