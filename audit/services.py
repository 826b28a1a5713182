"""Writes of the audit trail: append an event to the hash chain, and prune what retention allows.

The chain (AuditEvent.chain_hash): each row's hash covers the previous row's hash and its own
content; the first row follows GENESIS or, after a prune, the hash of the last row removed, which
the prune event records. Appending takes a transaction-level advisory lock, reserves the id and
reads the last hash under it, so rows are chained strictly in id order even when many requests
append at once; the lock is held until the appending transaction ends (an event recorded inside an
admin's change commits or rolls back with it).
"""

import ipaddress
import json
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .middleware import current_request
from .models import GENESIS, AuditEvent
from .selectors import is_audit_admin

try:
    from govportal.clientip import client_ip
except ImportError:  # the trusted-proxy rule (govportal.clientip) is not there: the peer's address
    def client_ip(request):
        return request.META.get("REMOTE_ADDR", "")

CHAIN_LOCK = 0x61756469  # pg_advisory_xact_lock key ordering the appends ("audi")
ONLY_THE_AUDIT_ADMIN = _("Only the audit administrator may prune the audit trail.")


def audit_record(*, action, result, actor=None, target="", details=None, request=None):
    """Append one event to the audit trail and return it.

    `actor` is the user who acted (None: nobody authenticated, or the system); `request` gives the
    client address (default: the request being answered, audit.middleware). `details` must be
    JSON-serialisable and never hold a password, a token or a full personal number.
    """
    request = request if request is not None else current_request()
    if actor is not None and not actor.is_authenticated:
        actor = None
    event = AuditEvent(
        created_at=timezone.now(), actor=actor, actor_username=actor.get_username() if actor else "",
        client_ip=_address(request), action=action, target=_text(target)[:255], result=result,
        details=_plain(details or {}),
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        cursor.execute("SELECT nextval(pg_get_serial_sequence('audit_auditevent', 'id'))")
        event.pk = cursor.fetchone()[0]
        previous = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
        event.hash = event.chain_hash(previous)
        AuditEvent.objects.bulk_create([event])  # with its reserved id (AppendOnly refuses save() then)
    return event


def audit_prune(*, actor):
    """Remove the oldest audit records, those older than AUDIT_RETENTION_DAYS, and record the prune.

    1. Under the chain lock, the rows removed are the longest prefix of the chain (by id) older than
       the retention period, so what stays is one unbroken chain.
    2. The database function audit_prune (migration 0002) deletes them; it refuses anything younger
       than the retention it is given, and the table's trigger anything younger than 184 days.
    3. The prune event, appended at the end of the chain, names the first row kept and the hash of
       the last row removed: the anchor audit_verify starts the chain from.
    """
    if not is_audit_admin(actor):
        raise PermissionDenied(ONLY_THE_AUDIT_ADMIN)
    days = settings.AUDIT_RETENTION_DAYS
    cutoff = timezone.now() - timedelta(days=days)
    details = {"retention_days": days, "removed": 0}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        first_kept = AuditEvent.objects.filter(created_at__gte=cutoff).order_by("id").values_list("id", flat=True)
        first_kept = first_kept.first()
        old = AuditEvent.objects.all() if first_kept is None else AuditEvent.objects.filter(id__lt=first_kept)
        last_removed = old.order_by("-id").values_list("id", "hash").first()
        if last_removed is not None:
            cursor.execute("SELECT audit_prune(%s, %s)", [last_removed[0], days])
            details.update(removed=cursor.fetchone()[0], through_id=last_removed[0], anchor=last_removed[1],
                           first_kept_id=first_kept)
        return audit_record(action=AuditEvent.Action.AUDIT_PRUNE, result=AuditEvent.Result.SUCCESS, actor=actor,
                            details=details)


def _address(request):
    """Return the client's address as PostgreSQL would print it back, or "" when there is none."""
    if request is None:
        return ""
    try:
        return str(ipaddress.ip_address(client_ip(request) or ""))
    except ValueError:
        return ""


def _text(value):
    return str(value).replace("\x00", "")  # PostgreSQL holds no NUL in text or jsonb


def _plain(details):
    """Return `details` as plain JSON values (lazy texts, dates and decimals as strings), as jsonb gives them back."""
    def without_nul(value):
        if isinstance(value, str):
            return _text(value)
        if isinstance(value, list):
            return [without_nul(item) for item in value]
        if isinstance(value, dict):
            return {_text(key): without_nul(item) for key, item in value.items()}
        return value

    return without_nul(json.loads(json.dumps(details, cls=DjangoJSONEncoder, allow_nan=False)))
