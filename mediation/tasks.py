"""Celery tasks of mediation: thin and safe to run twice."""

from celery import shared_task

from . import sweeps


@shared_task
def escalate_overdue_cases():
    """Move cases unresolved within their time limit one level up the chain, exactly once each."""
    return sweeps.overdue_cases_escalate()
