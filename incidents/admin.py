"""Admin: the catalogue, time limits and calendar are edited here; work orders are read-only,
because every change to them goes through the workflow services (pages and API)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from audit.admin import PersonalDataAdminMixin

from .models import Category, RoutingRequest, Ticket, TicketEvent, TicketPhoto, TimeLimit, WorkingDay


class TimeLimitInline(admin.TabularInline):
    model = TimeLimit
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent", "first_level", "default_department", "is_dispute", "is_public",
                    "is_active"]
    list_filter = ["first_level", "default_department", "is_dispute", "is_public", "is_active"]
    search_fields = ["code", "name"]
    inlines = [TimeLimitInline]


@admin.register(WorkingDay)
class WorkingDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working_day", "note", "source"]
    list_filter = ["is_working_day", "source"]
    date_hierarchy = "date"
    readonly_fields = ["source"]

    def save_model(self, request, obj, form, change):
        obj.source = WorkingDay.Source.ADMIN  # calendar_sync never overwrites an admin's row
        super().save_model(request, obj, form, change)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TicketEventInline(ReadOnlyInline):
    model = TicketEvent
    fields = ["created_at", "action", "from_status", "to_status", "actor", "unit", "reason_code", "reason"]
    readonly_fields = fields


class TicketPhotoInline(ReadOnlyInline):
    model = TicketPhoto
    fields = ["stage", "thumbnail", "exif_location", "uploaded_by", "created_at"]
    readonly_fields = fields


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(PersonalDataAdminMixin, ReadOnlyAdmin, LeafletGeoAdmin):  # a citizen reporter's phone
    list_display = ["number", "category", "status", "handling_unit", "due_at", "overdue_count", "created_at"]
    list_filter = ["status", "source", "urgency", "category__parent", "outside_own_grids"]
    search_fields = ["number", "description", "address", "area_code"]
    list_select_related = ["category", "handling_unit"]
    date_hierarchy = "created_at"
    inlines = [TicketPhotoInline, TicketEventInline]


@admin.register(RoutingRequest)
class RoutingRequestAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "created_at", "enqueued_at", "attempts", "routed_at", "error"]
    list_filter = [("routed_at", admin.EmptyFieldListFilter)]


