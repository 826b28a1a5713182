"""三员: the system, security and audit administrators' permissions, carried by one group each.

等保 level 3 asks for three administrators, none able to do another's work. The table below is
the whole of what each may do; `administrator_groups_sync` makes the groups say exactly that
(after every `migrate`, so an app installed later — axes, knox, audit — is granted on the next
one; a permission whose app is not installed is skipped), and `user_groups_assign` puts a user in
the group of their role and in no other administrator's group. The groups are not edited in the
admin: the separation is this table, and tests hold it. None of the three sees case files
(accounts.access gives them no area).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import User

EDIT = ("add", "change", "delete", "view")

ADMINISTRATOR_PERMISSIONS = {
    # Users (their accounts, not their power), units, areas, the catalogue, time limits, the calendar,
    # assessment schemes, configuration.
    User.Role.SYSTEM_ADMIN: (
        *(f"accounts.{verb}_user" for verb in ("add", "change", "view")),  # deactivated, never deleted
        *(f"{model}.{verb}_{name}" for model, names in (
            ("accounts", ("handlingunit",)),
            ("grids", ("area", "gridmember", "building", "keyplace", "organisation")),
            ("incidents", ("category", "timelimit", "workingday")),
            ("hotline", ("hotlinetimelimit", "categorykeyword", "knowledgearticle", "rateweights")),
            ("mediation", ("mediationorganisation", "mediator")),
            ("dashboards", ("assessmentscheme",)),
            ("carelist", ("caregroup", "carelevel")),  # the special groups (9+X) and their visit intervals
            ("registers", ("riskgrade", "house")),
        ) for name in names for verb in EDIT),
        # The dispatch catalogue: lines are added and closed, never changed in place nor deleted.
        *(f"dispatch.{verb}_dispatchentry" for verb in ("add", "change", "view")),
    ),
    # The accounts' roles, groups and permissions, log-in lockouts, tokens and second-factor devices, API keys.
    User.Role.SECURITY_ADMIN: (
        *(f"auth.{verb}_group" for verb in EDIT),
        "auth.view_permission",
        "accounts.view_user",
        "accounts.assign_roles",
        "accounts.assign_groups",
        "otp_totp.view_totpdevice", "otp_totp.delete_totpdevice",
        "knox.view_authtoken", "knox.delete_authtoken",
        "axes.view_accessattempt", "axes.delete_accessattempt", "axes.view_accesslog",
        "axes.view_accessfailurelog", "axes.delete_accessfailurelog",
        *(f"hotline.{verb}_open311key" for verb in EDIT),
    ),
    # The audit trail, read only.
    User.Role.AUDIT_ADMIN: ("audit.view_auditevent",),
}

# Each group is named by its role's value: a name that no language switch changes.
ADMINISTRATOR_GROUPS = tuple(role.value for role in User.ADMINISTRATOR_ROLES)


def administrator_groups_sync(*, apps=global_apps):
    """Create the three groups and give each exactly its permissions in ADMINISTRATOR_PERMISSIONS.

    1. Create the permission rows of every installed app first: within `migrate` Django would
       add them only after the last migration.
    2. Match "app.codename" against the rows; a permission of an app not installed is skipped.
    """
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codes in ADMINISTRATOR_PERMISSIONS.items():
        wanted = Q(pk__in=[])
        for code in codes:
            app_label, codename = code.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.set(Permission.objects.filter(wanted))


def user_groups_assign(*, user):
    """Put `user` in the group of their administrator role, if any, and in no other administrator's group."""
    Group = user.groups.model
    wanted = user.role if user.role in ADMINISTRATOR_GROUPS else None
    if wanted and not Group.objects.filter(name=wanted).exists():
        administrator_groups_sync()  # a database flushed since the last migrate (transactional tests)
    groups = Group.objects.filter(name__in=ADMINISTRATOR_GROUPS)
    user.groups.remove(*(group for group in groups if group.name != wanted))
    user.groups.add(*(group for group in groups if group.name == wanted))


@receiver(post_save, sender=User)
def groups_follow_role(sender, instance, created, update_fields=None, raw=False, **kwargs):
    if raw or (update_fields is not None and "role" not in update_fields):
        return
    if created and instance.role not in ADMINISTRATOR_GROUPS:
        return  # a new account outside 三员 is in no group yet
    user_groups_assign(user=instance)
