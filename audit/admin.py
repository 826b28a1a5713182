"""The admin's side of the audit trail: views of personal data, and bulk deletions.

The audit trail itself is not in the admin: it is read on its own page (/audit/), by the audit
administrator only.
"""

from django.contrib import admin
from django.contrib.admin.actions import delete_selected as django_delete_selected

from .models import AuditEvent
from .services import audit_record


class PersonalDataAdminMixin:
    """For the ModelAdmins of models that hold personal data, or show it inline: each object shown is
    audited (PIPL). The check audit.E001 (audit.checks) finds an admin that needs it."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200 and self.shows_personal_data(request, object_id):
            audit_record(action=AuditEvent.Action.PERSONAL_DATA_VIEW, result=AuditEvent.Result.SUCCESS,
                         actor=request.user, target=f"{self.opts.label_lower}:{object_id}", request=request)
        return response

    def shows_personal_data(self, request, object_id):
        """Return whether the change page of `object_id` shows personal data (always, unless overridden)."""
        return True


@admin.action(permissions=["delete"], description=django_delete_selected.short_description)
def delete_selected(modeladmin, request, queryset):
    """Django's "delete selected", audited: the admin logs several objects with one bulk insert,
    which no post_save hears (one object goes through LogEntry's post_save like any deletion)."""
    doomed = [f"{obj.pk} {obj}"[:200] for obj in queryset] if request.POST.get("post") else []
    response = django_delete_selected(modeladmin, request, queryset)
    if response is None and len(doomed) > 1:
        audit_record(action=AuditEvent.Action.ADMIN_DELETE, result=AuditEvent.Result.SUCCESS, actor=request.user,
                     target=modeladmin.opts.label_lower, details={"objects": doomed}, request=request)
    return response


admin.site.add_action(delete_selected, "delete_selected")
