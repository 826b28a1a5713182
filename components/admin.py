from django import forms
from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from grids.selectors import PointOutsideGrids, grid_locate

from .models import Component, ComponentKind, ComponentStateChange
from .services import OUTSIDE_GRIDS


@admin.register(ComponentKind)
class ComponentKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent"]
    list_filter = ["parent"]
    search_fields = ["code", "name"]


class StateChangeInline(admin.TabularInline):
    model = ComponentStateChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "ticket", "actor", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


class ComponentForm(forms.ModelForm):
    """Places the component in the grid holding its location before the model's checks run."""

    class Meta:
        model = Component
        exclude = ["grid"]

    def clean(self):
        data = super().clean()
        if data.get("location") is not None:
            try:
                self.instance.grid = grid_locate(data["location"]).grid
            except PointOutsideGrids:
                self.add_error("location", OUTSIDE_GRIDS)
        return data


@admin.register(Component)
class ComponentAdmin(LeafletGeoAdmin):
    """Edits run Component.clean (the code's district and kind); the grid is the one holding the place."""

    form = ComponentForm
    readonly_fields = ["grid", "area_code"]
    list_display = ["code", "name", "kind", "state", "owner_unit", "area_code"]
    list_filter = ["state", "kind__parent", "kind"]
    search_fields = ["code", "name", "address"]
    autocomplete_fields = ["owner_unit"]
    list_select_related = ["kind", "owner_unit"]
    inlines = [StateChangeInline]

    def save_model(self, request, obj, form, change):
        obj.area_code = obj.grid.code
        super().save_model(request, obj, form, change)
