"""The Celery application; tasks are discovered in each app's tasks.py."""

import os

from celery import Celery, signals
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govportal.settings.base")

app = Celery("govportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
def _database_connections_checked(task=None, **kwargs):
    """Before each task, close the connections that failed or outlived CONN_MAX_AGE, as Django does
    before each request (a reused one is then tested before use: CONN_HEALTH_CHECKS).

    Celery's Django fix-up closes them only every CELERY_DB_REUSE_MAX tasks: after a PostgreSQL
    restart, every task of a worker failed on its broken connection until then (make chaos).
    """
    if not getattr(task.request, "is_eager", False):
        close_old_connections()
