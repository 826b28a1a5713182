"""End to end with a real Celery worker and a real Redis that the test stops and starts."""

import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone
from rest_framework.test import APIClient

from govportal.celery import app
from incidents.models import RoutingRequest, Ticket
from incidents.sweeps import pending_routing_resend

NEW = {"category": "0102", "description": "楼道堆放杂物", "lat": 23.005, "lng": 113.705}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Redis:
    """A throwaway redis-server this test may stop and start again on the same port."""

    def __init__(self):
        self.port, self.process = free_port(), None

    def start(self):
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL,
        )
        wait_for(lambda: _answers(self.port), timeout=10)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def _answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def wait_for(condition, timeout):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@contextmanager
def broker(url):
    """Point the Celery app at `url` for the duration (fresh connection pools both ways)."""
    previous = app.conf.broker_url
    _switch(url)
    try:
        yield
    finally:
        app.pool.force_close_all()
        _switch(previous)


def _switch(url):
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def own_redis():
    redis = Redis()
    redis.start()
    with broker(f"redis://127.0.0.1:{redis.port}/0"):
        yield redis
    if redis.process.poll() is None:
        redis.stop()


def routed(ticket_id):
    return Ticket.objects.filter(pk=ticket_id, handling_unit__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_a_ticket_created_through_the_api_is_routed_within_seconds(tree, actors, catalogue, own_redis):
    client = APIClient()
    client.force_authenticate(actors.grid_worker)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        started = time.monotonic()
        ticket_id = client.post("/api/v1/tickets/", NEW, format="json").json()["id"]
        assert wait_for(lambda: routed(ticket_id), timeout=10)
        elapsed = time.monotonic() - started
    assert elapsed < 10
    assert RoutingRequest.objects.get(pk=ticket_id).routed_at is not None


@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_tickets_are_accepted_and_routed_once_it_returns(tree, actors, catalogue, own_redis):
    client = APIClient()
    client.force_authenticate(actors.grid_worker)
    own_redis.stop()
    response = client.post("/api/v1/tickets/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="offline-1")
    assert response.status_code == 201
    ticket_id = response.json()["id"]
    assert RoutingRequest.objects.get(pk=ticket_id).routed_at is None

    own_redis.start()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert pending_routing_resend(now=timezone.now() + timedelta(minutes=2)) == 1
        assert wait_for(lambda: routed(ticket_id), timeout=15)
    assert Ticket.objects.count() == 1
