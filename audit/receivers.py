"""What the audit trail hears by itself: log-ins, tokens, lockouts and their lifting, second-factor
devices, accounts and privilege changes, admin changes and reveals, through the signals of Django,
django-rest-knox, django-axes, django-otp's models and ours.

Exports, the admin's views of personal data and refusals, second-factor checks, refused reveals
and refused tokens are recorded where they happen (audit.exports, audit.admin,
audit.middleware, accounts.second_factor, the reveal services, accounts.tokens). A receiver that
needs the acting user or the client address reads the request at hand (audit.middleware): model
signals carry no request.
"""

import json

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tokens import Revocation, revocation_reason
from hotline.models import PhoneReveal
from mediation.models import PartyReveal

from .middleware import current_request
from .models import AuditEvent
from .services import audit_record

User = get_user_model()
A, R = AuditEvent.Action, AuditEvent.Result
# The fields of an account that grant or withdraw power: a change to any of them is audited.
PRIVILEGE_FIELDS = ("role", "unit_id", "is_staff", "is_superuser", "is_active")
ADMIN_ACTIONS = {ADDITION: A.ADMIN_ADD, CHANGE: A.ADMIN_CHANGE, DELETION: A.ADMIN_DELETE}


def _acting_user():
    """Return the authenticated user of the request at hand, or None."""
    user = getattr(current_request(), "user", None)
    return user if user is not None and user.is_authenticated else None


def _path(request):
    return {"path": request.path} if request is not None else {}


# --- log-ins -----------------------------------------------------------------------------------

@receiver(user_logged_in)
def login_succeeded(sender, request, user, **kwargs):
    audit_record(action=A.LOGIN, result=R.SUCCESS, actor=user, target=user.get_username(), details=_path(request),
                 request=request)


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs):
    # `credentials` come cleansed (the password masked); only the name tried is kept.
    username = credentials.get(User.USERNAME_FIELD) or credentials.get("username") or ""
    audit_record(action=A.LOGIN, result=R.FAILURE, target=str(username)[:150], details=_path(request),
                 request=request)


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=A.LOGOUT, result=R.SUCCESS, actor=user, target=user.get_username(), request=request)


def locked_out(sender, request=None, username="", ip_address="", **kwargs):
    """django-axes locked an account name (for an address) after repeated failures."""
    audit_record(action=A.LOCKOUT, result=R.FAILURE, target=str(username or "")[:150],
                 details={"locked_address": ip_address or "", **_path(request)}, request=request)


def attempts_cleared(sender, instance, **kwargs):
    """The failures recorded for a name and address were cleared — in the admin, by `axes_reset…`
    commands, or at the end of the cool-off; when they had reached the limit, a lock is lifted."""
    if instance.failures_since_start >= settings.AXES_FAILURE_LIMIT:
        audit_record(action=A.LOCKOUT_LIFT, result=R.SUCCESS, actor=_acting_user(),
                     target=str(instance.username or "")[:150],
                     details={"locked_address": instance.ip_address or "", "failures": instance.failures_since_start})


# --- API tokens (django-rest-knox) -------------------------------------------------------------

def _token_details(token):
    # The digest's start names the token (the digest is a hash: nothing of the token itself).
    return {"token": token.digest[:16], "expiry": token.expiry}


def token_saved(sender, instance, created, **kwargs):
    if created:
        audit_record(action=A.TOKEN_ISSUE, result=R.SUCCESS, actor=instance.user,
                     target=instance.user.get_username(), details=_token_details(instance))


def token_deleted(sender, instance, **kwargs):
    """A token ends: logged out, revoked (password change, lockout, deactivation, …) or found expired."""
    expired = instance.expiry is not None and instance.expiry <= timezone.now()
    reason = revocation_reason() or (Revocation.EXPIRED if expired else "")
    audit_record(action=A.TOKEN_REVOKE, result=R.SUCCESS, actor=_acting_user(),
                 target=instance.user.get_username(),
                 details={**_token_details(instance), "expired": expired, "reason": reason})


def connect_optional():
    """Connect the receivers of the token and lockout apps, when they are installed."""
    if apps.is_installed("knox"):
        from knox.models import get_token_model

        token_model = get_token_model()
        post_save.connect(token_saved, sender=token_model, dispatch_uid="audit.token_saved")
        post_delete.connect(token_deleted, sender=token_model, dispatch_uid="audit.token_deleted")
    if apps.is_installed("axes"):
        from axes.models import AccessAttempt
        from axes.signals import user_locked_out

        user_locked_out.connect(locked_out, dispatch_uid="audit.locked_out")
        post_delete.connect(attempts_cleared, sender=AccessAttempt, dispatch_uid="audit.attempts_cleared")


# --- second-factor devices (django-otp) --------------------------------------------------------

@receiver(post_delete, sender=TOTPDevice)
def device_removed(sender, instance, **kwargs):
    """A confirmed device is gone (a lost phone, in the admin): the next log-in enrols a new one.
    Pending devices, replaced at each visit of the enrolment page, are not recorded."""
    if instance.confirmed:
        audit_record(action=A.DEVICE_REMOVE, result=R.SUCCESS, actor=_acting_user(),
                     target=instance.user.get_username(), details={"device": instance.name})


# --- accounts, passwords, roles and permissions ------------------------------------------------

@receiver(post_save, sender=User)
def account_created(sender, instance, created, raw=False, **kwargs):
    """A new account, with the power it starts with (createsuperuser's break-glass account included)."""
    if created and not raw:
        audit_record(action=A.ACCOUNT_CREATE, result=R.SUCCESS, actor=_acting_user(),
                     target=instance.get_username(),
                     details={field.removesuffix("_id"): getattr(instance, field) for field in PRIVILEGE_FIELDS})


@receiver(pre_save, sender=User)
def account_changes_noted(sender, instance, update_fields=None, raw=False, **kwargs):
    """Compare the account with its stored row; post_save records what changed once it is written."""
    if raw or instance._state.adding or instance.pk is None:
        return
    watched = [field for field in ("password", *PRIVILEGE_FIELDS)
               if update_fields is None or field.removesuffix("_id") in update_fields or field in update_fields]
    if not watched:
        return  # e.g. the last log-in time
    stored = sender._base_manager.filter(pk=instance.pk).values(*watched).first()
    if stored is None:
        return
    changes = {field: [stored[field], getattr(instance, field)] for field in watched
               if stored[field] != getattr(instance, field)}
    password = changes.pop("password", None)
    # A hash upgrade on log-in (check_password's setter) is no change: it saves the password alone,
    # without the raw password set_password keeps until the save.
    upgraded = update_fields is not None and set(update_fields) == {"password"} and instance._password is None
    instance._audit_changes = (password is not None and not upgraded, changes)


@receiver(post_save, sender=User)
def account_changes_recorded(sender, instance, created, **kwargs):
    password_changed, changes = instance.__dict__.pop("_audit_changes", (False, {}))
    actor = _acting_user()
    if password_changed:
        audit_record(action=A.PASSWORD_CHANGE, result=R.SUCCESS, actor=actor, target=instance.get_username(),
                     details={"by_self": actor is not None and actor.pk == instance.pk})
    if changes:
        audit_record(action=A.ROLE_CHANGE, result=R.SUCCESS, actor=actor, target=instance.get_username(),
                     details={field.removesuffix("_id"): change for field, change in changes.items()})


def _names(model, pks):
    if model is Group:
        return sorted(Group.objects.filter(pk__in=pks).values_list("name", flat=True))
    if model is Permission:
        return sorted(f"{app}.{codename}" for app, codename in Permission.objects.filter(pk__in=pks)
                      .values_list("content_type__app_label", "codename"))
    return sorted(model._base_manager.filter(pk__in=pks).values_list(model.USERNAME_FIELD, flat=True))


def _target(instance):
    return f"group:{instance.name}" if isinstance(instance, Group) else instance.get_username()


# The many-to-many tables of power: which action a change to each is, and what its rows name.
POWER_TABLES = {User.groups.through: A.GROUP_CHANGE, User.user_permissions.through: A.PERMISSION_CHANGE,
                Group.permissions.through: A.PERMISSION_CHANGE}


def membership_changed(sender, instance, action, model, pk_set, **kwargs):
    """Someone joined or left a group, or a user or group gained or lost a permission.

    Django's post_add names what was added, but its remove signals name every pk asked for, linked
    or not: a removal is recorded before it happens (in its transaction), with what is linked now.
    """
    if action == "pre_clear":
        pk_set = _related_pks(sender, instance, model)
    elif action == "pre_remove":
        pk_set = pk_set & _related_pks(sender, instance, model)
    elif action != "post_add":
        return
    if not pk_set:
        return
    key = "users" if model is User else "groups" if model is Group else "permissions"
    audit_record(action=POWER_TABLES[sender], result=R.SUCCESS, actor=_acting_user(), target=_target(instance),
                 details={"operation": action.partition("_")[2], key: _names(model, pk_set)})


def _related_pks(through, instance, model):
    """Return the pks of `model` rows that `instance` is linked to in `through` (what a clear or remove takes)."""
    source = next(f for f in through._meta.fields if f.is_relation and isinstance(instance, f.related_model))
    target = next(f for f in through._meta.fields if f.is_relation and f.related_model is model and f is not source)
    return set(through.objects.filter(**{source.name: instance.pk}).values_list(target.attname, flat=True))


for _through in POWER_TABLES:
    m2m_changed.connect(membership_changed, sender=_through, dispatch_uid=f"audit.{_through._meta.db_table}")


@receiver(pre_delete, sender=Group)
def group_deleted(sender, instance, **kwargs):
    """A group's members lose it with its permissions: the deletion removes their rows without m2m_changed."""
    members = list(instance.user_set.values_list("pk", flat=True))
    if members:
        audit_record(action=A.GROUP_CHANGE, result=R.SUCCESS, actor=_acting_user(), target=_target(instance),
                     details={"operation": "delete", "users": _names(User, members)})


# --- the admin ----------------------------------------------------------------------------------

@receiver(post_save, sender=LogEntry)
def admin_logged(sender, instance, created, **kwargs):
    """Every addition, change and deletion made in the admin (its own log, one entry per object)."""
    if not created:
        return
    content_type = instance.content_type
    model = f"{content_type.app_label}.{content_type.model}" if content_type else "?"
    try:
        change = json.loads(instance.change_message or "[]")
    except ValueError:
        change = instance.change_message
    audit_record(action=ADMIN_ACTIONS.get(instance.action_flag, A.ADMIN_CHANGE), result=R.SUCCESS,
                 actor=instance.user, target=f"{model}:{instance.object_id} {instance.object_repr}",
                 details={"change": change})


# --- reveals of personal numbers ---------------------------------------------------------------

@receiver(post_save, sender=PartyReveal)
def party_number_revealed(sender, instance, created, **kwargs):
    if created:
        audit_record(action=A.REVEAL, result=R.SUCCESS, actor=instance.actor,
                     target=f"mediation.party:{instance.party_id}",
                     details={"field": instance.field, "case": instance.party.case_id})


@receiver(post_save, sender=PhoneReveal)
def caller_phone_revealed(sender, instance, created, **kwargs):
    if created:
        audit_record(action=A.REVEAL, result=R.SUCCESS, actor=instance.user,
                     target=f"hotline.call:{instance.call_id}", details={"field": "phone"})
