"""Celery tasks of participation: thin and safe to run twice."""

from celery import shared_task

from . import sweeps


@shared_task
def warn_unclaimed_tasks():
    """Warn each community once about its tasks with places still free at their take-by time."""
    return len(sweeps.unclaimed_tasks_warn())
