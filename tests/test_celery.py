"""A real Celery worker on the real Redis broker runs a task that writes to PostgreSQL."""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from govportal.celery import app
from grids.models import AreaStatistics
from grids.tasks import refresh_area_statistics


@pytest.fixture
def celery_worker(transactional_db):
    """A worker thread consuming the test queue of the real broker (REDIS_URL)."""
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


def test_worker_executes_a_task_that_writes_to_the_database(tree, actors, celery_worker):
    assert AreaStatistics.objects.count() == 0
    refresh_area_statistics.delay()
    deadline = time.monotonic() + 20
    while AreaStatistics.objects.count() < 10 and time.monotonic() < deadline:  # one row per area
        time.sleep(0.1)
    assert AreaStatistics.objects.count() == 10
    west = AreaStatistics.objects.get(area=tree.west_street)
    assert (west.grid_count, west.worker_count) == (2, 1)
    assert AreaStatistics.objects.get(area=tree.city).grid_count == 4
