"""Admin: topics and meetings are read-only, because every change of a topic's course goes through the
deliberation services (pages and API)."""

from django.contrib import admin

from incidents.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Meeting, Topic, TopicEvent


class TopicEventInline(ReadOnlyInline):
    model = TopicEvent
    fields = ["created_at", "action", "from_status", "to_status", "actor", "system", "reason"]
    readonly_fields = fields


@admin.register(Topic)
class TopicAdmin(ReadOnlyAdmin):
    list_display = ["title", "community", "status", "result", "public_until", "created_at"]
    list_filter = ["status", "result"]
    search_fields = ["title", "community__name"]
    list_select_related = ["community"]
    inlines = [TopicEventInline]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "community", "held_at", "place"]
    search_fields = ["title", "community__name"]
    list_select_related = ["community"]
