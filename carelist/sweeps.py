"""The overdue-visit sweep (Celery beat, hourly): each helper of a person whose visit is overdue is
warned once per overdue period, however many sweepers run at once.

One statement: the persons overdue (the partial index careperson_due_idx), a warning per helper
inserted with ON CONFLICT DO NOTHING under overduewarning_once_per_period, and a "warn_overdue"
event (its reason the missed due date) only for the persons whose warnings this statement
inserted (RETURNING).
"""

from django.db import connection
from django.utils import timezone

from .workflow import TRANSITIONS

WARN = TRANSITIONS["warn_overdue"]

_WARN_SQL = """
    WITH overdue AS (
        SELECT id, status, next_visit_due FROM carelist_careperson
         WHERE status = ANY(%(sources)s) AND next_visit_due < %(today)s
    ), warned AS (
        INSERT INTO carelist_overduewarning (person_id, helper_id, due_on, created_at)
        SELECT o.id, h.user_id, o.next_visit_due, %(now)s
          FROM overdue o JOIN carelist_carehelper h ON h.person_id = o.id
        ON CONFLICT ON CONSTRAINT overduewarning_once_per_period DO NOTHING
        RETURNING person_id
    )
    INSERT INTO carelist_careevent (person_id, action, from_status, to_status, reason, created_at)
    SELECT o.id, %(action)s, o.status, o.status, o.next_visit_due::text, %(now)s
      FROM overdue o WHERE o.id IN (SELECT person_id FROM warned)
"""


def overdue_visits_warn(*, now=None):
    """Warn the helpers of every person whose visit is overdue, once per overdue period; return how
    many persons were warned now."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_WARN_SQL, {"sources": list(WARN.sources), "today": timezone.localdate(now), "now": now,
                                   "action": "warn_overdue"})
        return cursor.rowcount
