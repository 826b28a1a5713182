from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from audit.admin import PersonalDataAdminMixin

from .models import HandlingUnit, User


@admin.register(HandlingUnit)
class HandlingUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "department", "area", "is_active"]
    list_filter = ["kind", "department", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["area"]
    list_select_related = ["area"]


@admin.register(User)
class UserAdmin(PersonalDataAdminMixin, DjangoUserAdmin):
    list_display = ["username", "last_name", "role", "unit", "is_active"]
    list_filter = ["role", "is_active", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "phone"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Role and unit"), {"fields": ("role", "unit", "phone")}),)
    add_fieldsets = DjangoUserAdmin.add_fieldsets + ((_("Role and unit"), {"fields": ("role", "unit")}),)
