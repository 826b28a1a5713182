"""Set-based sweeps run by Celery beat: deadline escalation and re-sending lost routing messages."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from .models import RoutingRequest, Ticket
from .routing import routing_wake_up
from .services import escalation_due
from .workflow import TRANSITIONS

ESCALATING_DUE_KINDS = (Ticket.DueKind.ACCEPT, Ticket.DueKind.SIGN, Ticket.DueKind.HANDLE, Ticket.DueKind.REVIEW)
RESEND_AFTER = timedelta(minutes=1)

ESCALATION, OVERDUE = TRANSITIONS["overdue_escalate"], TRANSITIONS["overdue"]
_CLAIM_SQL = """
    SELECT t.id, t.status, t.due_kind, t.handling_unit_id, u.superior_id, t.handle_minutes, t.clock_time
      FROM incidents_ticket t LEFT JOIN accounts_handlingunit u ON u.id = t.handling_unit_id
     WHERE t.due_at <= %s AND t.status = ANY(%s)
     ORDER BY t.due_at
     LIMIT %s
       FOR UPDATE OF t SKIP LOCKED
"""
_ESCALATE_SQL = """
    UPDATE incidents_ticket t
       SET status = %s, handling_unit_id = v.superior, handler_id = NULL, due_at = v.due, due_kind = v.kind,
           overdue_count = t.overdue_count + 1, updated_at = %s
      FROM unnest(%s::bigint[], %s::bigint[], %s::timestamptz[], %s::text[]) AS v(id, superior, due, kind)
     WHERE t.id = v.id
"""
_MARK_SQL = """
    UPDATE incidents_ticket SET due_at = NULL, due_kind = '', overdue_count = overdue_count + 1, updated_at = %s
     WHERE id = ANY(%s)
"""
_EVENTS_SQL = """
    INSERT INTO incidents_ticketevent (ticket_id, action, from_status, to_status, unit_id, reason_code, reason,
                                       created_at)
    SELECT id, action, from_status, to_status, unit, reason_code, '', %s
      FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::bigint[], %s::text[])
           AS v(id, action, from_status, to_status, unit, reason_code)
"""
# One digest notice per unit and kind per batch, not one per work order (Notification).
_NOTIFY_SQL = """
    INSERT INTO incidents_notification (unit_id, digest_ticket_ids, kind, created_at)
    SELECT unit, array_agg(id ORDER BY id), kind, %s
      FROM unnest(%s::bigint[], %s::bigint[], %s::text[]) AS v(unit, id, kind)
     WHERE unit IS NOT NULL
     GROUP BY unit, kind
"""


def overdue_escalate(*, now=None, batch_size=5000):
    """Handle every ticket whose deadline has passed; return how many were escalated and marked.

    Each batch claims rows with SELECT … FOR UPDATE SKIP LOCKED and clears or moves their deadline
    in the same transaction, so two sweepers running at once never handle a ticket twice and a
    ticket is handled once per missed deadline. Escalated tickets get a new handling deadline
    from `now`; the deadlines are computed once per distinct time limit, not per ticket. Each unit
    concerned gets one digest notice per batch and kind, listing its work orders.
    """
    now = now or timezone.now()
    escalable = set(ESCALATION.sources)
    escalated = marked = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_CLAIM_SQL, [now, list(OVERDUE.sources), batch_size])
            rows = cursor.fetchall()
            if not rows:
                break
            up = [r for r in rows if r[4] is not None and r[2] in ESCALATING_DUE_KINDS and r[1] in escalable]
            up_ids = {r[0] for r in up}
            stay = [r for r in rows if r[0] not in up_ids]
            clocks = {
                limit: escalation_due(now, handle_minutes=limit[0], clock_time=limit[1])
                for limit in {(r[5], r[6]) for r in up}
            }
            if up:
                cursor.execute(_ESCALATE_SQL, [
                    ESCALATION.target, now,
                    [r[0] for r in up], [r[4] for r in up], [clocks[(r[5], r[6])][0] for r in up],
                    [clocks[(r[5], r[6])][1] for r in up],
                ])
            if stay:
                cursor.execute(_MARK_SQL, [now, [r[0] for r in stay]])
            events = [(r[0], "overdue_escalate", r[1], ESCALATION.target, r[4], r[2]) for r in up]
            events += [(r[0], "overdue", r[1], r[1], r[3], r[2]) for r in stay]  # OVERDUE keeps the state
            cursor.execute(_EVENTS_SQL, [now, *map(list, zip(*events))])
            notices = [(unit, r[0], kind) for r in up for unit, kind in ((r[3], "overdue"), (r[4], "escalated"))]
            notices += [(r[3], r[0], "overdue") for r in stay]
            cursor.execute(_NOTIFY_SQL, [now, *map(list, zip(*notices))])
            escalated += len(up)
            marked += len(stay)
        if len(rows) < batch_size:
            break
    return {"escalated": escalated, "marked_overdue": marked}


def overdue_escalate_parallel(*, now=None, workers=None):
    """Run `workers` sweeps at once, each on its own connection, and add up their counts.

    SKIP LOCKED makes them share the due tickets without overlap; the work is in PostgreSQL,
    so threads are enough to keep several database cores busy.
    """
    now = now or timezone.now()
    workers = workers or settings.SWEEP_WORKERS

    def sweep():
        try:
            return overdue_escalate(now=now)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda _: sweep(), range(workers)))
    return {key: sum(result[key] for result in results) for key in results[0]}


def pending_routing_resend(*, now=None, limit=1000):
    """Enqueue routing again for tickets still unrouted a minute after their last message."""
    now = now or timezone.now()
    stale = now - RESEND_AFTER
    ids = list(
        RoutingRequest.objects.filter(routed_at__isnull=True, created_at__lte=stale, error="")
        .exclude(enqueued_at__gt=stale)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    if ids:
        RoutingRequest.objects.filter(pk__in=ids).update(attempts=F("attempts") + 1, enqueued_at=now)
        routing_wake_up(force=True)
    return len(ids)
