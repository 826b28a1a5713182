"""Celery tasks of the special-group files: thin, each calling one service."""

from celery import shared_task

from . import sweeps


@shared_task
def warn_overdue_visits():
    """Warn the helpers of the persons whose visit is overdue, once per overdue period."""
    return sweeps.overdue_visits_warn()
