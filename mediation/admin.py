"""Admin: organisations and mediators are edited here; cases are read-only, because every change
to them goes through the mediation services (pages and API). Parties show masked numbers only."""

from django.contrib import admin

from .models import CaseEvent, FollowUpVisit, MediationCase, MediationOrganisation, MediationSession, Mediator, Party


@admin.register(MediationOrganisation)
class MediationOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "speciality", "unit"]
    list_filter = ["kind", "speciality"]
    search_fields = ["unit__name", "unit__code"]
    autocomplete_fields = ["unit"]


@admin.register(Mediator)
class MediatorAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "qualification", "is_expert", "is_active"]
    list_filter = ["qualification", "is_expert", "is_active", "organisation__kind"]
    search_fields = ["name"]
    raw_id_fields = ["user"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PartyInline(ReadOnlyInline):
    model = Party
    fields = ["role", "kind", "name", "id_number_masked", "phone_masked", "address", "refuses_mediation"]
    readonly_fields = fields


class SessionInline(ReadOnlyInline):
    model = MediationSession
    fields = ["held_at", "place", "attendees", "record", "recorded_by"]
    readonly_fields = fields


class FollowUpInline(ReadOnlyInline):
    model = FollowUpVisit
    fields = ["visited_on", "performance", "note", "visited_by"]
    readonly_fields = fields


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["created_at", "action", "from_status", "to_status", "actor", "organisation", "reason_code", "reason"]
    readonly_fields = fields


@admin.register(MediationCase)
class MediationCaseAdmin(admin.ModelAdmin):
    list_display = ["number", "status", "dispute_type", "organisation", "high_risk", "overdue_count", "created_at"]
    list_filter = ["status", "dispute_type", "source", "high_risk", "organisation__kind"]
    search_fields = ["number"]
    date_hierarchy = "created_at"
    inlines = [PartyInline, SessionInline, FollowUpInline, CaseEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
