"""The registers' sweep: warn grid workers of overdue rental-house inspections."""

from celery import shared_task

from . import services


@shared_task
def warn_overdue_inspections():
    return services.inspections_overdue_warn()
