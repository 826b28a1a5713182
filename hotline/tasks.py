"""Celery tasks of the hotline: thin wrappers around services, safe to run twice."""

from celery import shared_task

from .services import ticket_places_prune


@shared_task
def prune_ticket_places():
    """Drop the duplicate search's places older than its retention (daily, Celery beat)."""
    return ticket_places_prune()
