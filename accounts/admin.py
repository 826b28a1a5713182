from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from knox.models import AuthToken

from audit.admin import PersonalDataAdminMixin

from .models import HandlingUnit, User
from .tokens import Revocation, tokens_revoke
from .roles import ADMINISTRATOR_GROUPS, user_groups_assign

# What each administrator edits of an account (三员): the system administrator the account itself,
# the security administrator the power it holds (its role, groups and permissions).
PROFILE_FIELDS = ("username", "password", "first_name", "last_name", "email", "phone", "unit", "is_active")
ROLE_FIELDS = ("role",)
GROUP_FIELDS = ("groups", "user_permissions")


@admin.register(HandlingUnit)
class HandlingUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "department", "area", "is_active"]
    list_filter = ["kind", "department", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["area"]
    list_select_related = ["area"]


@admin.register(User)
class UserAdmin(PersonalDataAdminMixin, DjangoUserAdmin):
    """Accounts, split as 三员 asks: the system administrator creates them and keeps their profile (names,
    unit, password, active or not); the security administrator gives them their role (business roles
    only), groups and permissions. A new account has no role, and sees nothing, until then. The
    administrators' own accounts, their roles and superusers are a superuser's (break-glass) only."""

    list_display = ["username", "last_name", "role", "unit", "is_active"]
    list_filter = ["role", "is_active", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "phone"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
    # The role shows read-only to all but its givers (get_readonly_fields): a new account starts without.
    add_fieldsets = DjangoUserAdmin.add_fieldsets + ((_("Role and unit"), {"fields": ("role", "unit")}),)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        superuser = ("is_superuser",) if request.user.is_superuser else ()
        return (
            (None, {"fields": ("username", "password")}),
            (_("Personal info"), {"fields": ("first_name", "last_name", "email", "phone")}),
            (_("Role and unit"), {"fields": ("role", "unit", "is_active", "is_staff", *superuser)}),
            (_("Permissions"), {"fields": GROUP_FIELDS}),
            (_("Important dates"), {"fields": ("last_login", "date_joined", "password_changed_at")}),
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = ["is_staff", "last_login", "date_joined", "password_changed_at"]  # is_staff follows the role
        if obj is not None and not request.user.has_perm("accounts.change_user"):
            readonly += PROFILE_FIELDS
        if not request.user.has_perm("accounts.assign_roles"):
            readonly += ROLE_FIELDS
        if not request.user.has_perm("accounts.assign_groups"):
            readonly += GROUP_FIELDS
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_administrator and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj) or any(
            request.user.has_perm(f"accounts.{codename}") for codename in ("assign_roles", "assign_groups"))

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = [(value, label) for value, label in db_field.get_choices()
                                 if value not in User.ADMINISTRATOR_ROLES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit" and not request.user.is_superuser:
            kwargs["required"] = True  # only the administrators' accounts (a superuser's) have none
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":  # the administrators' groups follow their role (accounts.roles)
            kwargs["queryset"] = Group.objects.exclude(name__in=ADMINISTRATOR_GROUPS)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_groups_assign(user=form.instance)  # the form's groups replaced them all

    def user_change_password(self, request, id, form_url=""):
        if not request.user.has_perm("accounts.change_user"):
            raise PermissionDenied  # the security administrator's change right covers the account's power only
        return super().user_change_password(request, id, form_url)

    actions = ["revoke_tokens"]

    @admin.action(permissions=["change"], description=_("Revoke the API tokens of the selected users"))
    def revoke_tokens(self, request, queryset):
        count = sum(tokens_revoke(user=user, reason=Revocation.REVOKED) for user in queryset)
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


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """Groups and their permissions (the security administrator). The three administrators' groups are
    shown read-only: what they grant is accounts.roles' table, applied again by every migrate."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.name in ADMINISTRATOR_GROUPS)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.name in ADMINISTRATOR_GROUPS)
