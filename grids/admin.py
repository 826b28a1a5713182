from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from audit.admin import PersonalDataAdminMixin

from .models import Area, Building, GridMember, KeyPlace, Organisation


class GridMemberInline(admin.TabularInline):
    model = GridMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Area)
class AreaAdmin(PersonalDataAdminMixin, LeafletGeoAdmin):
    """Area edits run Area.clean (valid polygon, code prefix, child inside parent) via the form. A grid's
    page lists its members with their phone numbers: each view of one is audited."""

    list_display = ["code", "name", "level", "parent", "grid_kind", "updated_at"]
    list_filter = ["level", "grid_kind"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]

    inlines = [GridMemberInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj and obj.level == Area.Level.GRID else []

    def shows_personal_data(self, request, object_id):
        return GridMember.objects.filter(grid_id=object_id).exists()  # only a grid has members


class GridBaseRecordAdmin(LeafletGeoAdmin):
    list_select_related = ["grid"]
    autocomplete_fields = ["grid"]
    search_fields = ["name", "address"]


@admin.register(Building)
class BuildingAdmin(GridBaseRecordAdmin):
    list_display = ["code", "name", "address", "households", "grid"]
    search_fields = ["code", "name", "address"]


@admin.register(KeyPlace)
class KeyPlaceAdmin(GridBaseRecordAdmin):
    list_display = ["place_code", "name", "kind", "risk_level", "grid"]
    list_filter = ["kind", "risk_level"]
    search_fields = ["place_code", "name", "address"]


@admin.register(Organisation)
class OrganisationAdmin(GridBaseRecordAdmin):
    list_display = ["name", "kind", "credit_code", "grid"]
    list_filter = ["kind"]


@admin.register(GridMember)
class GridMemberAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "grid", "user", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "grid__code", "grid__name"]
    autocomplete_fields = ["grid", "user"]
    list_select_related = ["grid", "user"]
