from django.contrib import admin

from .models import AssessmentScheme


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(admin.ModelAdmin):
    """Weights are changed by adding a scheme; the old ones stay as the record (never edited or deleted)."""

    list_display = ["created_at", "on_time_weight", "overdue_weight", "return_weight", "satisfaction_weight",
                    "supervision_weight", "note", "created_by"]
    fields = ["on_time_weight", "overdue_weight", "return_weight", "satisfaction_weight", "supervision_weight", "note"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """The supervised tasks' weight may be left empty: it stays 0, and supervision plays no part in the score."""
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "supervision_weight":
            field.required = False
        return field

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.created_by = request.user
        super().save_model(request, obj, form, change)
