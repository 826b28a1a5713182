"""API tokens (django-rest-knox): stored as hashes, expiring after TOKEN_TTL, revoked with the log-in they stand for.

A token is worth no more than the password that made it: a password change (or an unusable
password), a deactivation and a lockout of the name delete all of the account's tokens, so a
stolen token does not outlive the remedy. knox refuses an inactive account's token anyway, even
after a bulk update that sends no signal.

Administrators (三员 and a superuser) get no token at all: a token is a password alone, and
their work is in the admin site, which asks for their second factor (等保 level 3). An account
that becomes one loses its tokens, and a token of one is refused however it came to exist.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.models import AuthToken
from rest_framework import exceptions

from audit.models import AuditEvent
from audit.services import audit_record

from .models import User

ADMINISTRATORS_GET_NO_TOKEN = _(
    "Administrators get no API token: their work is in the admin site, which asks for their second factor.")


class Revocation(models.TextChoices):
    """Why tokens are deleted: the audit trail records it with each one."""

    LOGOUT = "logout", _("Logged out")
    LOGOUT_ALL = "logout_all", _("Logged out on every device")
    PASSWORD_CHANGE = "password_change", _("Password changed")
    DEACTIVATION = "deactivation", _("Account deactivated")
    LOCKOUT = "lockout", _("Account locked")
    ADMINISTRATOR = "administrator", _("Became an administrator")  # administrators get no token
    REVOKED = "revoked", _("Revoked by the security administrator")  # in the admin
    EXPIRED = "expired", _("Expired")


_revocation = ContextVar("token_revocation", default="")


@contextmanager
def revocation(reason):
    """Within the block, tokens deleted are deleted for `reason` (a Revocation)."""
    token = _revocation.set(reason)
    try:
        yield
    finally:
        _revocation.reset(token)


def revocation_reason():
    """Return the Revocation of the tokens being deleted now, or "" when no code said why."""
    return _revocation.get()


def token_create(*, user, request):
    """Issue an API token to `user` (a log-in); return (token row, key). The key is shown once, stored hashed.

    PermissionDenied for an administrator, recorded in the audit trail: the password was right,
    but a token would let them past their second factor.
    """
    if user.is_administrator:
        audit_record(action=AuditEvent.Action.TOKEN_ISSUE, result=AuditEvent.Result.FAILURE, actor=user,
                     target=user.get_username(), details={"path": request.path, "reason": "administrator"},
                     request=request)
        raise PermissionDenied(ADMINISTRATORS_GET_NO_TOKEN)
    token, key = AuthToken.objects.create(user=user)
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return token, key


def tokens_revoke(*, user, reason):
    """Delete every API token of `user` for `reason` (a Revocation); return how many there were."""
    with revocation(reason):
        return AuthToken.objects.filter(user=user).delete()[0]


def tokens_delete_expired():
    """Delete the tokens past their expiry (knox deletes them only when their owner calls again); return the count."""
    with revocation(Revocation.EXPIRED):
        return AuthToken.objects.filter(expiry__lt=timezone.now()).delete()[0]


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's check of `Authorization: Token …`, refusing an administrator's token, and recording every
    token refused (unknown, expired, of an inactive account or of an administrator)."""

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed as refusal:
            account = getattr(refusal, "account", None)
            audit_record(action=AuditEvent.Action.LOGIN, result=AuditEvent.Result.FAILURE,
                         target=account.get_username() if account else "",
                         details={"path": request.path, "via": "token", "reason": refusal.get_codes()},
                         request=request)
            raise

    def validate_user(self, auth_token):
        if auth_token.user.is_administrator:
            refusal = exceptions.AuthenticationFailed(ADMINISTRATORS_GET_NO_TOKEN, code="administrator")
            refusal.account = auth_token.user
            raise refusal
        return super().validate_user(auth_token)


def _revocation_due(before, user):
    """Return the Revocation the change of `user` from its stored row `before` calls for, or ""."""
    if before["password"] != user.password:
        return Revocation.PASSWORD_CHANGE  # a rehash after a hasher upgrade too: its tokens go, harmlessly
    if before["is_active"] and not user.is_active:
        return Revocation.DEACTIVATION
    if user.is_administrator and not (before["is_superuser"] or before["role"] in User.ADMINISTRATOR_ROLES):
        return Revocation.ADMINISTRATOR
    return ""


@receiver(pre_save, sender=User)
def _note_credentials_change(sender, instance, raw=False, update_fields=None, **kwargs):
    watched = {"password", "is_active", "role", "is_superuser"}
    if raw or instance.pk is None or (update_fields is not None and not watched & set(update_fields)):
        return
    before = sender.objects.filter(pk=instance.pk).values(*watched).first()
    instance._revoke_tokens = _revocation_due(before, instance) if before is not None else ""


@receiver(post_save, sender=User)
def _revoke_tokens_after_credentials_change(sender, instance, **kwargs):
    reason = instance.__dict__.pop("_revoke_tokens", "")
    if reason:
        tokens_revoke(user=instance, reason=reason)


@receiver(user_locked_out)
def _revoke_tokens_on_lockout(sender, username=None, **kwargs):
    user = User.objects.filter(username=username).first() if username else None
    if user is not None:
        tokens_revoke(user=user, reason=Revocation.LOCKOUT)
