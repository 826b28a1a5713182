"""Celery tasks of the hotline: thin wrappers around services, safe to run twice."""

from celery import shared_task

from .services import ticket_places_prune
from .supervision import overdue_notices_send


@shared_task
def prune_ticket_places():
    """Drop the duplicate search's places older than its retention (daily, Celery beat)."""
    return ticket_places_prune()


@shared_task
def send_overdue_notices():
    """Send the due reminders (催办) and supervision notices (督办单), each once (hourly, Celery beat)."""
    return overdue_notices_send()
