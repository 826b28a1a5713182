"""A real Celery worker on the real Redis broker runs a task that writes to PostgreSQL."""

import threading

import pytest
from celery import uuid
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun

from govportal.celery import app
from grids.models import AreaStatistics
from grids.tasks import refresh_area_statistics

TASK_TIMEOUT = 20  # seconds: a task the worker has not finished by then is a failure


@pytest.fixture
def celery_worker(transactional_db):
    """A worker thread consuming the test queue of the real broker (REDIS_URL)."""
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


@pytest.fixture
def run_on_worker(celery_worker):
    """Return a function sending a task to the worker and returning its final state once the worker has run it.

    Tasks keep no results (CELERY_TASK_IGNORE_RESULT), so there is no AsyncResult to wait on: the
    worker thread signals the end of the task (task_postrun) on a threading.Event the test waits for.
    """
    def run(task, *args):
        sent_id, done, states = uuid(), threading.Event(), []

        def finished(task_id=None, state=None, **kwargs):
            if task_id == sent_id:
                states.append(state)
                done.set()

        task_postrun.connect(finished, weak=False)
        try:
            task.apply_async(args, task_id=sent_id)
            assert done.wait(TASK_TIMEOUT), f"{task.name} not run by the worker within {TASK_TIMEOUT} s"
        finally:
            task_postrun.disconnect(finished)
        return states[0]

    return run


def test_worker_executes_a_task_that_writes_to_the_database(tree, actors, run_on_worker):
    assert AreaStatistics.objects.count() == 0
    assert run_on_worker(refresh_area_statistics) == "SUCCESS"
    assert AreaStatistics.objects.count() == 10  # one row per area
    west = AreaStatistics.objects.get(area=tree.west_street)
    assert (west.grid_count, west.worker_count) == (2, 1)
    assert AreaStatistics.objects.get(area=tree.city).grid_count == 4
