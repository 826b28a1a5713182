"""Admin: a programme's name, office and reminder days are edited here; tasks are read here (they
come from the office's sheet), and milestones, their events and the supervision orders are
read-only, because every change to them goes through the supervision services (pages and API)."""

from django.contrib import admin

from incidents.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Milestone, MilestoneEvent, Programme, SupervisionOrder, Task


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "office", "reminder_working_days", "created_at"]
    list_filter = ["year"]
    search_fields = ["name"]
    autocomplete_fields = ["office"]


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = ["title", "due_date", "status", "figure", "accepted_at", "overdue_at"]
    readonly_fields = fields


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "programme", "lead_unit", "end_date"]
    list_filter = ["programme"]
    search_fields = ["number", "title"]
    inlines = [MilestoneInline]


class MilestoneEventInline(ReadOnlyInline):
    model = MilestoneEvent
    fields = ["created_at", "action", "from_status", "to_status", "actor", "unit", "reason"]
    readonly_fields = fields


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ["task", "title", "due_date", "status", "overdue_at"]
    list_filter = ["status", "task__programme"]
    inlines = [MilestoneEventInline]


@admin.register(SupervisionOrder)
class SupervisionOrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "milestone", "unit", "copied_to", "issued_at"]
    search_fields = ["number"]
