"""Celery tasks of the work-order loop: thin, idempotent, each calling one service."""

from celery import shared_task
from celery.signals import worker_ready

from . import notifications, photos, register, routing, sweeps, verification


# A pool process that dies mid-run (SIGKILL, out of memory) gives its message back at once for
# another to run: safe, as routing claims rows with SKIP LOCKED and a batch is at most 200 tickets.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def route_pending_tickets():
    """Route every pending ticket, in batches; does nothing when none is pending."""
    return routing.tickets_route_pending()


@worker_ready.connect
def route_pending_at_worker_start(**kwargs):
    """Route what is pending as soon as a worker starts.

    A worker that died mid-run (SIGKILL, out of memory, a lost host, a broker outage it did not
    survive) had its transaction rolled back and its message left unacknowledged in Redis until
    the visibility timeout (an hour): without this, its tickets waited for the next report or the
    resend sweep, one to two minutes.
    """
    routing.routing_wake_up(force=True)


@shared_task
def resend_pending_routing():
    """Re-send routing messages the broker may have lost (pending rows older than a minute)."""
    return sweeps.pending_routing_resend()


@shared_task
def escalate_overdue():
    """Mark overdue tickets and move them one level up the chain, exactly once each."""
    return sweeps.overdue_escalate_parallel()


@shared_task
def deliver_pending_notifications():
    """Send the copies still missing: new notices (e.g. the escalation sweep's) and failed sends, each once."""
    return notifications.notifications_deliver_pending()


@shared_task
def delete_orphan_photos():
    """Delete the recent photo files that no row names: what a crash before a commit left."""
    return photos.photo_orphans_delete(days=photos.RECENT_DAYS)


@shared_task
def prune_notifications():
    """Delete the delivered notices older than their retention (daily, Celery beat)."""
    return notifications.notifications_prune()


@shared_task
def prune_phone_codes():
    """Delete the citizen report's SMS verification codes older than a day (daily, Celery beat)."""
    return verification.phone_codes_prune()


@shared_task
def remind_register_reviews():
    """Tell the registrars of the register's matters whose review date has come, once each (daily, Celery beat)."""
    return register.register_reviews_remind()
