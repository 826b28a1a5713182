"""The deadline sweep (Celery beat, hourly): reminders before a milestone is due, the warning and
the supervision order (督办单) once it is missed — the same reminder → 督办单 path as work orders.

Each is sent exactly once however many sweepers run at once:

- a reminder is a Notice row under a unique constraint (milestone, kind, working days): each
  sweeper inserts with ON CONFLICT DO NOTHING and writes the "remind" event only for the rows
  its own statement inserted (RETURNING);
- a miss claims the milestones with SELECT … FOR UPDATE SKIP LOCKED and sets `overdue_at` in the
  same transaction, so a claimed milestone is not claimed again.
"""

from django.db import connection, transaction
from django.utils import timezone

from govportal.workflow import numbers_reserve

from .calendar import working_days_after
from .models import Milestone, SupervisionOrder, SupervisionOrderCounter
from .workflow import TRANSITIONS

REMIND, OVERDUE = TRANSITIONS["remind"], TRANSITIONS["overdue"]
ORDER_PREFIX = "DB"

# One statement per reminder length: the notices it inserts, and their events beside them.
_REMIND_SQL = """
    WITH due AS (
        SELECT m.id, m.status, t.lead_unit_id
          FROM supervision_milestone m JOIN supervision_task t ON t.id = m.task_id
          JOIN supervision_programme p ON p.id = t.programme_id
         WHERE m.due_date BETWEEN %(today)s AND %(horizon)s AND m.status = ANY(%(sources)s)
           AND %(days)s = ANY(p.reminder_working_days)
    ), sent AS (
        INSERT INTO supervision_notice (milestone_id, unit_id, kind, working_days_before, created_at)
        SELECT id, lead_unit_id, 'reminder', %(days)s, %(now)s FROM due
        ON CONFLICT ON CONSTRAINT notice_once_per_milestone DO NOTHING
        RETURNING milestone_id
    )
    INSERT INTO supervision_milestoneevent (milestone_id, action, from_status, to_status, unit_id, reason, created_at)
    SELECT due.id, 'remind', due.status, due.status, due.lead_unit_id, %(reason)s, %(now)s
      FROM due JOIN sent ON sent.milestone_id = due.id
"""
_CLAIM_SQL = """
    SELECT m.id, m.status, t.lead_unit_id, u.superior_id
      FROM supervision_milestone m JOIN supervision_task t ON t.id = m.task_id
      JOIN accounts_handlingunit u ON u.id = t.lead_unit_id
     WHERE m.due_date < %s AND m.status = ANY(%s) AND m.overdue_at IS NULL
     ORDER BY m.due_date, m.id
     LIMIT %s
       FOR UPDATE OF m SKIP LOCKED
"""
_OVERDUE_EVENTS_SQL = """
    INSERT INTO supervision_milestoneevent (milestone_id, action, from_status, to_status, unit_id, reason, created_at)
    SELECT id, 'overdue', status, status, unit, number, %s
      FROM unnest(%s::bigint[], %s::text[], %s::bigint[], %s::text[]) AS v(id, status, unit, number)
"""
_OVERDUE_NOTICES_SQL = """
    INSERT INTO supervision_notice (milestone_id, unit_id, kind, working_days_before, created_at)
    SELECT id, unit, 'overdue', 0, %s FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, unit)
    ON CONFLICT ON CONSTRAINT notice_once_per_milestone DO NOTHING
"""


def milestone_deadlines_sweep(*, now=None, batch_size=1000):
    """Send the reminders due today and handle the milestones missed; return how many of each."""
    now = now or timezone.now()
    return {"reminded": milestones_remind(now=now), "missed": milestones_missed(now=now, batch_size=batch_size)}


def milestones_remind(*, now):
    """Send each programme's reminders (e.g. 5 and 1 working days before) for pending milestones, once each."""
    today = timezone.localdate(now)
    lengths = sorted({days for (days,) in _reminder_lengths()})
    sent = 0
    with connection.cursor() as cursor:
        for days in lengths:
            cursor.execute(_REMIND_SQL, {
                "today": today, "horizon": working_days_after(today, days), "sources": list(REMIND.sources),
                "days": days, "now": now, "reason": f"{days}",
            })
            sent += cursor.rowcount
    return sent


def _reminder_lengths():
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT unnest(reminder_working_days) FROM supervision_programme")
        return cursor.fetchall()


def milestones_missed(*, now, batch_size=1000):
    """Warn the lead units of milestones past their due date and issue each one supervision order
    (督办单), copied to the lead unit's superior; return how many were handled."""
    today = timezone.localdate(now)
    handled = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_CLAIM_SQL, [today, list(OVERDUE.sources), batch_size])
            rows = cursor.fetchall()
            if not rows:
                break
            ids = [row[0] for row in rows]
            numbers = numbers_reserve(SupervisionOrderCounter, prefix=ORDER_PREFIX, day=today, count=len(rows))
            Milestone.objects.filter(pk__in=ids).update(overdue_at=now)
            SupervisionOrder.objects.bulk_create([
                SupervisionOrder(number=number, milestone_id=pk, unit_id=lead, copied_to_id=superior, issued_at=now)
                for number, (pk, _status, lead, superior) in zip(numbers, rows)
            ])
            cursor.execute(_OVERDUE_EVENTS_SQL, [now, ids, [row[1] for row in rows], [row[2] for row in rows],
                                                 numbers])
            cursor.execute(_OVERDUE_NOTICES_SQL, [now, ids, [row[2] for row in rows]])
            handled += len(rows)
        if len(rows) < batch_size:
            break
    return handled
