"""The security audit trail (安全审计, 等保 2.0 level 3): one append-only, hash-chained table.

Each row holds when, who (and their username at the time), from which address, what, on what,
with which result and the details; `hash` chains it to the row before (audit.services). The
database refuses UPDATE and DELETE on the table (migration 0002), so a row written stays written;
only the retention procedure removes rows older than the legal minimum (audit_prune).
"""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from incidents.models import AppendOnly

RECORD_IS_IMMUTABLE = _("Audit records are never changed.")
RECORD_IS_PERMANENT = _("Audit records are removed only by the retention procedure.")
GENESIS = "0" * 64  # the "previous hash" of the first row ever written


class AuditEvent(AppendOnly, models.Model):
    """One security-relevant event: a log-in, a token, a lockout, a privilege change, an export, a reveal.

    tests/audit/test_coverage.py holds every kind to its who, when, address, what and result.
    """

    CHANGED, DELETED = RECORD_IS_IMMUTABLE, RECORD_IS_PERMANENT

    class Action(models.TextChoices):
        LOGIN = "login", _("Log-in")
        SECOND_FACTOR = "second_factor", _("Second factor")
        DEVICE_ENROL = "device_enrol", _("Second-factor device enrolled")
        DEVICE_REMOVE = "device_remove", _("Second-factor device removed")
        LOGOUT = "logout", _("Log-out")
        LOCKOUT = "lockout", _("Account locked")
        LOCKOUT_LIFT = "lockout_lift", _("Account lock lifted")
        TOKEN_ISSUE = "token_issue", _("API token issued")
        TOKEN_REVOKE = "token_revoke", _("API token revoked")
        PASSWORD_CHANGE = "password_change", _("Password changed")
        ACCOUNT_CREATE = "account_create", _("Account created")
        ROLE_CHANGE = "role_change", _("Role, unit or account status changed")
        GROUP_CHANGE = "group_change", _("Group membership changed")
        PERMISSION_CHANGE = "permission_change", _("Permissions changed")
        ADMIN_ADD = "admin_add", _("Added in the admin")
        ADMIN_CHANGE = "admin_change", _("Changed in the admin")
        ADMIN_DELETE = "admin_delete", _("Deleted in the admin")
        ADMIN_REFUSED = "admin_refused", _("Refused in the admin")
        PERSONAL_DATA_VIEW = "personal_data_view", _("Personal data viewed in the admin")
        REVEAL = "reveal", _("Personal number revealed")
        CARE_FILE_VIEW = "care_file_view", _("Special-group file viewed")
        EXPORT = "export", _("Export")
        AUDIT_READ = "audit_read", _("Audit trail read")
        AUDIT_PRUNE = "audit_prune", _("Audit records pruned")

    class Result(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILURE = "failure", _("Failure")

    created_at = models.DateTimeField(_("at"), db_index=True)
    # PROTECT: an account that acted is deactivated, never deleted (its trail must stay whole).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("actor"))
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    client_ip = models.CharField(_("client address"), max_length=45, blank=True)
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    target = models.CharField(_("target"), max_length=255, blank=True)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices)
    details = models.JSONField(_("details"), default=dict, blank=True)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [models.Index(fields=["actor_username", "created_at"], name="auditevent_username_idx")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_username or '-'} {self.action} {self.result}"

    def details_text(self):
        """Return the details as compact JSON text, for the page and the exports."""
        return json.dumps(self.details, ensure_ascii=False, sort_keys=True) if self.details else ""

    def chain_hash(self, previous):
        """Return this row's hash chained to `previous`: sha256 of the previous row's hash followed by
        this row's content as canonical JSON (its id included, so no row can change places)."""
        content = json.dumps({
            "id": self.pk, "at": self.created_at.astimezone(UTC).isoformat(), "actor": self.actor_id,
            "username": self.actor_username, "ip": self.client_ip, "action": self.action, "target": self.target,
            "result": self.result, "details": self.details,
        }, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256((previous + content).encode()).hexdigest()
