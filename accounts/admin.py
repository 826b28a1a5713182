from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from knox.models import AuthToken

from .models import HandlingUnit, User
from .tokens import tokens_revoke


@admin.register(HandlingUnit)
class HandlingUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "department", "area", "is_active"]
    list_filter = ["kind", "department", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["area"]
    list_select_related = ["area"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "last_name", "role", "unit", "is_active"]
    list_filter = ["role", "is_active", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "phone"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Role and unit"), {"fields": ("role", "unit", "phone")}),)
    add_fieldsets = DjangoUserAdmin.add_fieldsets + ((_("Role and unit"), {"fields": ("role", "unit")}),)
    actions = ["revoke_tokens"]

    @admin.action(permissions=["change"], description=_("Revoke the API tokens of the selected users"))
    def revoke_tokens(self, request, queryset):
        count = sum(tokens_revoke(user=user) for user in queryset)
        self.message_user(request, ngettext("%(count)d API token revoked.", "%(count)d API tokens revoked.",
                                            count) % {"count": count})


admin.site.unregister(AuthToken)  # knox's own admin lists digests and key prefixes and mints keys


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    """API tokens: whose, since when, until when. No key material is shown.

    The primary key is the token's digest, so the list has no links, no check boxes and no
    actions, which would all show it; tokens are revoked per account, from the users' list.
    """

    list_display = ["user", "created", "expiry"]
    list_display_links = None
    list_select_related = ["user"]
    search_fields = ["user__username"]
    date_hierarchy = "created"
    actions = None

    def has_add_permission(self, request):
        return False  # a token is issued by logging in (POST /api/v1/auth/token/), never minted here

    def has_change_permission(self, request, obj=None):
        return False
