"""催办 and 督办 (domain.md §4): the unit still holding an overdue hotline order gets a reminder on the
next working day, and a written supervision notice (督办单) after 5 more working days.

A set-based sweep run by Celery beat. Each kind is one INSERT … ON CONFLICT DO NOTHING RETURNING
into OverdueNotice, whose unique (ticket, kind) constraint makes a second sweeper running at once
wait for the first and insert nothing: each order gets each notice exactly once. The event rows
and the units' notices are written from the rows returned, in the same transaction.
"""

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from incidents.models import Ticket
from incidents.notifications import notifications_wake_up
from incidents.workflow import TRANSITIONS
from incidents.worktime import WorkingCalendar

from .models import OverdueNotice

NOTICE_AFTER_WORKING_DAYS = 5  # after the reminder
OVERDUE_LOOKBACK_DAYS = 60  # missed deadlines older than this have had their notices long ago
OVERDUE_ACTIONS = ["overdue", "overdue_escalate"]  # the escalation sweep's events (incidents.sweeps)
KIND_ACTIONS = {OverdueNotice.Kind.REMINDER: "remind", OverdueNotice.Kind.NOTICE: "supervision_notice"}

# The orders due a reminder: hotline orders still held by a unit whose first missed deadline
# (in the lookback) fell before the cutoff. The deadline events are found by their index on created_at.
_REMIND_SQL = """
    INSERT INTO hotline_overduenotice (ticket_id, kind, unit_id, overdue_since, created_at)
    SELECT t.id, %(kind)s, t.handling_unit_id, o.since, %(now)s
      FROM (SELECT ticket_id, min(created_at) AS since FROM incidents_ticketevent
             WHERE action = ANY(%(overdue_actions)s) AND created_at >= %(lookback)s
             GROUP BY ticket_id) o
      JOIN incidents_ticket t ON t.id = o.ticket_id
     WHERE o.since < %(cutoff)s AND t.source = %(source)s AND t.status = ANY(%(states)s)
       AND t.handling_unit_id IS NOT NULL
    ON CONFLICT (ticket_id, kind) DO NOTHING
    RETURNING ticket_id, unit_id
"""
# The orders due a written notice: their reminder went out before the cutoff and they are still held.
_NOTICE_SQL = """
    INSERT INTO hotline_overduenotice (ticket_id, kind, unit_id, overdue_since, created_at)
    SELECT t.id, %(kind)s, t.handling_unit_id, r.overdue_since, %(now)s
      FROM hotline_overduenotice r JOIN incidents_ticket t ON t.id = r.ticket_id
     WHERE r.kind = %(reminder)s AND r.created_at < %(cutoff)s AND r.created_at >= %(lookback)s
       AND t.status = ANY(%(states)s) AND t.handling_unit_id IS NOT NULL
    ON CONFLICT (ticket_id, kind) DO NOTHING
    RETURNING ticket_id, unit_id
"""
_EVENTS_SQL = """
    INSERT INTO incidents_ticketevent (ticket_id, action, from_status, to_status, unit_id, reason_code, reason,
                                       created_at)
    SELECT t.id, %(action)s, t.status, t.status, t.handling_unit_id, '', '', %(now)s
      FROM incidents_ticket t WHERE t.id = ANY(%(ids)s)
"""
_NOTIFY_SQL = """
    INSERT INTO incidents_notification (unit_id, ticket_id, kind, created_at)
    SELECT unit, id, %(action)s, %(now)s FROM unnest(%(units)s::bigint[], %(ids)s::bigint[]) AS v(unit, id)
"""


def _day_start(day):
    return datetime.combine(day, datetime.min.time(), timezone.get_current_timezone())


def cutoffs(now):
    """Return (reminder cutoff, notice cutoff) for a sweep at `now`.

    A deadline missed on day D is reminded on the first working day after D, so on working day W
    (or a rest day after it) every deadline missed before W's start is due. A reminder sent on day
    R gets its notice on the 5th working day after R, so the reminders sent up to the 5th working
    day before W are due: those before the start of the day after it.
    """
    today = timezone.localdate(now)
    calendar = WorkingCalendar(today - timedelta(days=60), today)
    day = today
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    reminder_cutoff, left = _day_start(day), NOTICE_AFTER_WORKING_DAYS
    while left:
        day -= timedelta(days=1)
        left -= calendar.is_working_day(day)
    return reminder_cutoff, _day_start(day + timedelta(days=1))


def overdue_notices_send(*, now=None):
    """Send the reminders and supervision notices that are due; return how many of each were sent."""
    now = now or timezone.now()
    reminder_cutoff, notice_cutoff = cutoffs(now)
    params = {"now": now, "lookback": now - timedelta(days=OVERDUE_LOOKBACK_DAYS),
              "states": list(TRANSITIONS["remind"].sources), "reminder": OverdueNotice.Kind.REMINDER}
    sent = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for kind, sql, cutoff in ((OverdueNotice.Kind.REMINDER, _REMIND_SQL, reminder_cutoff),
                                  (OverdueNotice.Kind.NOTICE, _NOTICE_SQL, notice_cutoff)):
            cursor.execute(sql, {**params, "kind": kind, "cutoff": cutoff, "source": Ticket.Source.HOTLINE,
                                 "overdue_actions": OVERDUE_ACTIONS})
            rows = cursor.fetchall()
            sent[kind] = len(rows)
            if rows:
                ids, units = [r[0] for r in rows], [r[1] for r in rows]
                action = KIND_ACTIONS[kind]
                cursor.execute(_EVENTS_SQL, {"action": action, "now": now, "ids": ids})
                cursor.execute(_NOTIFY_SQL, {"action": action, "now": now, "units": units, "ids": ids})
                transaction.on_commit(notifications_wake_up)
    return {"reminders": sent[OverdueNotice.Kind.REMINDER], "notices": sent[OverdueNotice.Kind.NOTICE]}
