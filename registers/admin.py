"""Admin of the registers: the risk grades and their inspection intervals (configuration) and the houses
of the buildings; residents, rental houses and inspections are read-only here, personal data masked."""

from django.contrib import admin

from audit.admin import PersonalDataAdminMixin

from .models import House, Inspection, RentalHouse, Resident, RiskGrade


@admin.register(RiskGrade)
class RiskGradeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "inspection_interval_days"]


@admin.register(House)
class HouseAdmin(admin.ModelAdmin):
    list_display = ["__str__", "area_code", "floor", "use", "floor_area_m2"]
    list_filter = ["use"]
    search_fields = ["building__name", "building__address", "room", "area_code"]
    autocomplete_fields = ["building"]
    list_select_related = ["building"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the grid workers' pages and API only, through the services that keep their history."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Resident)
class ResidentAdmin(PersonalDataAdminMixin, ReadOnlyAdmin):
    list_display = ["name_masked", "kind", "id_number_masked", "phone_masked", "area_code"]
    list_filter = ["kind"]
    fields = ["name_masked", "kind", "id_number_masked", "phone_masked", "area_code"]


@admin.register(RentalHouse)
class RentalHouseAdmin(PersonalDataAdminMixin, ReadOnlyAdmin):
    list_display = ["__str__", "grade", "owner_name_masked", "last_inspected_on", "next_inspection_due"]
    list_filter = ["grade"]
    list_select_related = ["house__building", "grade"]
    fields = ["house", "grade", "owner_name_masked", "owner_phone_masked", "registered_on", "last_inspected_on",
              "next_inspection_due"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["rental_house", "inspected_on", "grade", "inspector"]
    list_select_related = ["rental_house__house__building", "grade", "inspector"]
