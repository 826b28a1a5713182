"""Celery tasks of the dashboards: thin and safe to run twice."""

from celery import shared_task

from . import services


@shared_task
def fold_rollups():
    """Fold the ticket deltas into the dashboard rollups (every minute, from beat)."""
    return services.rollups_fold()
