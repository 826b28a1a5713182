"""挂账 (domain.md §2): a matter verified as not solvable now — no funds yet, awaiting planning — goes
on a register with its reason and a review date. Its clock stops, so it leaves the overdue counts
and the reminders; it is reviewed on its review date (a reminder goes to whoever registered it)
and either kept on the register until a new date or lifted back to work where it stood.
"""

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Notification, RegisterEntry
from .notifications import notifications_wake_up
from .services import clock_restart, clock_stop
from .workflow import TICKETS

REVIEW_DATE_IN_FUTURE = _("Choose a review date after today.")
REVIEW_WITHIN_A_YEAR = _("Review the matter within a year.")
REVIEW_MAX_DAYS = 366


def _check_review_on(review_on):
    today = timezone.localdate()
    if review_on is None or review_on <= today:
        raise TICKETS.input_error(REVIEW_DATE_IN_FUTURE, "review_on")
    if (review_on - today).days > REVIEW_MAX_DAYS:
        raise TICKETS.input_error(REVIEW_WITHIN_A_YEAR, "review_on")


def ticket_park(*, ticket_id, actor, reason_kind, reason, review_on):
    """Put a verified matter on the register (挂账) with its reason and review date; its clock stops."""
    TICKETS.require_reason(reason)
    if reason_kind not in RegisterEntry.Reason.values:
        raise TICKETS.input_error(_("Choose why the matter cannot be solved now."), "reason_kind")
    _check_review_on(review_on)

    def change(ticket):
        clock_stop(ticket)
        RegisterEntry.objects.create(ticket=ticket, reason_kind=reason_kind, reason=reason, review_on=review_on,
                                     registered_by=actor)

    return TICKETS.apply(ticket_id, "park", actor=actor, reason_code=reason_kind, reason=reason, change=change,
                         notify=lambda t: [t.handling_unit_id])


def ticket_register_review(*, ticket_id, actor, reason, review_on):
    """Record a periodic review that keeps the matter on the register until a new review date."""
    TICKETS.require_reason(reason)
    _check_review_on(review_on)

    def change(ticket):
        RegisterEntry.objects.filter(ticket=ticket, lifted_at__isnull=True).update(review_on=review_on)

    return TICKETS.apply(ticket_id, "register_review", actor=actor, reason=reason, change=change)


def ticket_unpark(*, ticket_id, actor, reason):
    """Lift the matter from the register: it goes back where it stood, with the time it had left."""
    TICKETS.require_reason(reason)

    def change(ticket):
        clock_restart(ticket)
        RegisterEntry.objects.filter(ticket=ticket, lifted_at__isnull=True).update(lifted_at=timezone.now())

    return TICKETS.apply(ticket_id, "unpark", actor=actor, reason=reason, change=change,
                         notify=lambda t: [t.handling_unit_id])


# Claims the entries whose review date has come and whose reminder is not sent yet: the row lock
# makes a second sweeper wait and then find the condition false, so each reminder goes out once.
_REVIEWS_DUE_SQL = """
    UPDATE incidents_registerentry SET review_reminded_on = review_on
     WHERE lifted_at IS NULL AND review_on <= %s
       AND (review_reminded_on IS NULL OR review_reminded_on < review_on)
    RETURNING ticket_id, registered_by_id
"""


def register_reviews_remind(*, today=None):
    """Tell whoever registered each matter whose review date has come, once per review date; return how many."""
    today = today or timezone.localdate()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_REVIEWS_DUE_SQL, [today])
        due = cursor.fetchall()
        Notification.objects.bulk_create(Notification(ticket_id=ticket_id, user_id=user_id, kind="register_review_due")
                                         for ticket_id, user_id in due)
        if due:
            transaction.on_commit(notifications_wake_up)
    return len(due)


def register_entries_open(tickets):
    """Return the open register entries of `tickets` (a queryset in the reader's scope), next review first."""
    return RegisterEntry.objects.filter(lifted_at__isnull=True, ticket__in=tickets) \
        .select_related("ticket__category", "ticket__handling_unit", "registered_by")
