"""The admin of the special groups: the groups and their intervals (the system administrator adds the
city's X here), and, for a break-glass superuser, the persons' files (each view audited)."""

from django.contrib import admin

from audit.admin import PersonalDataAdminMixin

from .models import CareGroup, CareHelper, CareLevel, CareMembership, CarePerson
from .services import care_schedule_refresh


class CareLevelInline(admin.TabularInline):
    model = CareLevel
    extra = 0


@admin.register(CareGroup)
class CareGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    inlines = [CareLevelInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A changed interval moves the next visit of everyone at that level.
        active = CarePerson.objects.filter(levels__group=form.instance, status=CarePerson.Status.ACTIVE)
        for person in active.distinct():
            care_schedule_refresh(person=person)


class CareMembershipInline(admin.TabularInline):
    model = CareMembership
    extra = 1


class CareHelperInline(admin.TabularInline):
    model = CareHelper
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(CarePerson)
class CarePersonAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ("name", "id_number_masked", "grid", "status", "next_visit_due")
    list_filter = ("status", "levels__group")
    readonly_fields = ("id_number_masked", "phone_masked", "last_visited_on", "next_visit_due")
    raw_id_fields = ("grid", "building")
    inlines = [CareMembershipInline, CareHelperInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        care_schedule_refresh(person=form.instance)
