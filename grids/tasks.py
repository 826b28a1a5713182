from celery import shared_task

from .statistics import area_statistics_refresh


@shared_task
def refresh_area_statistics():
    """Recompute every area's statistics; safe to run any number of times."""
    return area_statistics_refresh()
