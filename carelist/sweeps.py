"""The overdue-visit sweep (Celery beat, hourly): each helper of a person whose visit is overdue is
warned once per overdue period, however many sweepers run at once.

One statement: the persons overdue (the partial index careperson_due_idx), a warning per helper
inserted with ON CONFLICT DO NOTHING under overduewarning_once_per_period, and a "warn_overdue"
event (its reason the missed due date) only for the persons whose warnings this statement
inserted (RETURNING). Each helper warned then gets one notice (in the app, by SMS and e-mail) that
counts their overdue visits and names nobody: a text message is no place for who is in which group.
"""

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from incidents.models import Notification
from incidents.notifications import notifications_wake_up

from .workflow import TRANSITIONS

WARN = TRANSITIONS["warn_overdue"]
OVERDUE_NOTICE = "care_visit_overdue"

_WARN_SQL = """
    WITH overdue AS (
        SELECT id, status, next_visit_due FROM carelist_careperson
         WHERE status = ANY(%(sources)s) AND next_visit_due < %(today)s
    ), warned AS (
        INSERT INTO carelist_overduewarning (person_id, helper_id, due_on, created_at)
        SELECT o.id, h.user_id, o.next_visit_due, %(now)s
          FROM overdue o JOIN carelist_carehelper h ON h.person_id = o.id
        ON CONFLICT ON CONSTRAINT overduewarning_once_per_period DO NOTHING
        RETURNING person_id, helper_id
    ), events AS (
        INSERT INTO carelist_careevent (person_id, action, from_status, to_status, reason, created_at)
        SELECT o.id, %(action)s, o.status, o.status, o.next_visit_due::text, %(now)s
          FROM overdue o WHERE o.id IN (SELECT person_id FROM warned)
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM events), helper_id, count(*) FROM warned GROUP BY helper_id
"""


def overdue_visits_warn(*, now=None):
    """Warn the helpers of every person whose visit is overdue, once per overdue period; return how
    many persons were warned now."""
    now = now or timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_WARN_SQL, {"sources": list(WARN.sources), "today": timezone.localdate(now), "now": now,
                                       "action": "warn_overdue"})
            rows = cursor.fetchall()
        if rows:
            _notices_create({helper_id: persons for _events, helper_id, persons in rows})
            transaction.on_commit(notifications_wake_up)
    return rows[0][0] if rows else 0


def _notices_create(persons_of_helper):
    with translation.override(settings.LANGUAGE_CODE):  # stored text: in the platform's language
        Notification.objects.bulk_create([
            Notification(user_id=helper_id, kind=OVERDUE_NOTICE, link=reverse("carelist-home"),
                         text=ngettext("%(count)d visit overdue in your special-group files",
                                       "%(count)d visits overdue in your special-group files", persons)
                         % {"count": persons})
            for helper_id, persons in persons_of_helper.items()
        ])
