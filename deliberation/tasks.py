"""Celery tasks of deliberation: thin and safe to run twice."""

from celery import shared_task

from . import sweeps


@shared_task
def mark_implemented_topics():
    """Mark implemented the decisions whose work orders are all closed."""
    return len(sweeps.topics_implemented_mark())
