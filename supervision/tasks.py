"""Celery tasks of supervision: thin, each calling one service."""

from celery import shared_task

from . import sweeps


@shared_task
def sweep_milestone_deadlines():
    """Send the milestones' reminders and supervision orders that are due, each exactly once."""
    return sweeps.milestone_deadlines_sweep()
