"""Reads of the audit trail: who may read it, the filtered list, and the check of the chain."""

from .models import GENESIS, AuditEvent

# The audit administrator's role (审计管理员, accounts.User.Role AUDIT_ADMIN): the one role that
# reads the audit trail (三员: the system and security administrators may not).
AUDIT_ADMIN_ROLE = "auditor"
CHAIN_BATCH = 5000  # rows read per query by audit_chain_verify


def is_audit_admin(user):
    """Return whether `user` is an active audit administrator."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.role == AUDIT_ADMIN_ROLE)


def may_read_audit(user):
    """Return whether `user` may read the audit trail: the audit administrator, or a superuser (break-glass)."""
    return is_audit_admin(user) or bool(user is not None and user.is_active and user.is_superuser)


def audit_event_list(*, period, actor="", action="", result=""):
    """Return the events of `period` (a govportal.periods.Period), newest first, filtered by the
    actor's username (exact), the action and the result when given."""
    start, end = period.bounds()
    events = AuditEvent.objects.filter(created_at__gte=start, created_at__lt=end)
    if actor:
        events = events.filter(actor_username=actor)
    if action:
        events = events.filter(action=action)
    if result:
        events = events.filter(result=result)
    return events.order_by("-id")


def audit_chain_verify():
    """Walk the chain in id order; return (rows checked, id of the first row whose hash does not
    follow, or None when the chain is intact).

    The first row follows GENESIS, or the anchor of the prune event that names it as the first
    row kept (audit.services.audit_prune).
    """
    fields = ("id", "created_at", "actor_id", "actor_username", "client_ip", "action", "target", "result",
              "details", "hash")
    previous, checked, last_id = None, 0, 0
    while batch := list(AuditEvent.objects.filter(id__gt=last_id).order_by("id").values_list(*fields, named=True)
                        [:CHAIN_BATCH]):
        for row in batch:
            if previous is None:
                previous = _anchor(row.id) or GENESIS
            event = AuditEvent(**{name: getattr(row, name) for name in fields[1:]}, pk=row.id)
            if event.chain_hash(previous) != row.hash:
                return checked, row.id
            previous, checked = row.hash, checked + 1
        last_id = batch[-1].id
    return checked, None


def _anchor(first_id):
    """Return the hash of the last row removed before row `first_id`, as its prune event recorded it."""
    prunes = AuditEvent.objects.filter(action=AuditEvent.Action.AUDIT_PRUNE, id__gt=first_id,
                                       details__first_kept_id=first_id)
    return prunes.order_by("-id").values_list("details__anchor", flat=True).first()
