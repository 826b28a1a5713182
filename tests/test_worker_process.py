"""A real `celery worker` process on the test database, with the production settings' connection reuse.

The worker threads of the other Celery tests never start as a process does (no worker_ready) and
close their connections after each task (test settings); these start the command the deployment
runs, on the routing queue, and hold its database connections the way production does.
"""

import os
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from govportal.celery import app
from incidents.models import RoutingRequest, Ticket
from incidents.services import ticket_create
from incidents.tasks import route_pending_tickets

from .incidents.conftest import WEST_POINT

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "govportal-test-worker"  # its connections' application_name in pg_stat_activity
QUEUE = "routing"  # where the production settings send route_pending_tickets


class WorkerProcess:
    """`celery -A govportal worker -Q routing`, with govportal.settings.base, on the test database."""

    def __init__(self, log_path):
        self.log_path, self.process = log_path, None

    def start(self):
        db = connection.settings_dict
        env = {
            **os.environ, "DJANGO_SETTINGS_MODULE": "govportal.settings.base", "PGAPPNAME": APP_NAME,
            "DATABASE_URL": f"postgis://{quote(db['USER'])}:{quote(db['PASSWORD'] or '')}@{db['HOST']}:{db['PORT']}/"
                            f"{db['NAME']}",
            "REDIS_URL": settings.REDIS_URL,
        }
        command = [str(ROOT / ".venv/bin/celery"), "-A", "govportal", "worker", "-Q", QUEUE, "--pool", "solo",
                   "--without-mingle", "--without-gossip", "--without-heartbeat", "--loglevel", "INFO",
                   "--hostname", f"test-{os.getpid()}@%h"]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    def log(self):
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def worker(transactional_db, tmp_path):
    """A worker process not started yet, on an empty routing queue; stopped after the test."""
    with app.connection_for_write() as broker:
        broker.default_channel.queue_purge(QUEUE)
    process = WorkerProcess(tmp_path / "worker.log")
    yield process
    process.stop()


def wait_for(condition, timeout):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def report(catalogue, actors):
    """A grid worker's report, pending routing. Its wake-up goes to the test settings' queue, which no
    worker here reads: as when the run it woke died with the worker that had taken it."""
    ticket, _ = ticket_create(source=Ticket.Source.GRID_WORKER, category=catalogue["0102"],
                              description="楼道堆放杂物", location=WEST_POINT, reporter=actors.grid_worker)
    return ticket


def routed(ticket):
    return RoutingRequest.objects.filter(pk=ticket.pk, routed_at__isnull=False).exists()


def test_a_starting_worker_routes_what_is_pending(catalogue, actors, worker):
    ticket = report(catalogue, actors)
    assert not routed(ticket)  # and the resend sweep would not send it again before a minute

    worker.start()

    assert wait_for(lambda: routed(ticket), timeout=60), worker.log()
    assert Ticket.objects.get(pk=ticket.pk).handling_unit == actors.community_staff.unit


def test_a_worker_reconnects_after_postgresql_ended_its_connection(catalogue, actors, worker):
    worker.start()
    first = report(catalogue, actors)
    route_pending_tickets.apply_async(queue=QUEUE)
    assert wait_for(lambda: routed(first), timeout=60), worker.log()  # the worker holds a connection now
    with connection.cursor() as cursor:  # what a restart of PostgreSQL does to every open connection
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s",
                       [APP_NAME])
        assert cursor.fetchone()[0] >= 1

    second = report(catalogue, actors)
    route_pending_tickets.apply_async(queue=QUEUE)

    assert wait_for(lambda: routed(second), timeout=30), worker.log()
