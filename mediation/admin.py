"""Admin: organisations and mediators are edited here; cases and the log of reveals are read-only,
because every change to them goes through the mediation services (pages and API). Parties show
masked numbers only."""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from audit.admin import PersonalDataAdminMixin
from incidents.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    CaseEvent, CommitteeMember, FollowUpVisit, MediationCase, MediationOrganisation, MediationSession, Mediator, Party, PartyReveal,
)


class CommitteeMembersFormSet(BaseInlineFormSet):
    """A committee is saved only with 3 to 9 members and one chair (MediationOrganisation.validate_members)."""

    def clean(self):
        super().clean()
        kept = [form.cleaned_data for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        self.instance.validate_members(member["position"] for member in kept)


class CommitteeMemberInline(admin.TabularInline):
    model = CommitteeMember
    formset = CommitteeMembersFormSet
    fields = ["name", "position"]
    extra = 0


@admin.register(MediationOrganisation)
class MediationOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "speciality", "unit"]
    list_filter = ["kind", "speciality"]
    search_fields = ["unit__name", "unit__code"]
    autocomplete_fields = ["unit"]
    inlines = [CommitteeMemberInline]


@admin.register(Mediator)
class MediatorAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "qualification", "is_expert", "is_active"]
    list_filter = ["qualification", "is_expert", "is_active", "organisation__kind"]
    search_fields = ["name"]
    raw_id_fields = ["user"]


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
class MediationCaseAdmin(PersonalDataAdminMixin, ReadOnlyAdmin):  # its parties
    list_display = ["number", "status", "dispute_type", "organisation", "high_risk", "overdue_count", "created_at"]
    list_filter = ["status", "dispute_type", "source", "high_risk", "organisation__kind"]
    search_fields = ["number"]
    date_hierarchy = "created_at"
    inlines = [PartyInline, SessionInline, FollowUpInline, CaseEventInline]


@admin.register(PartyReveal)
class PartyRevealAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "field", "party"]
    list_filter = ["field"]
    list_select_related = ["actor", "party"]
