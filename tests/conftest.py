from datetime import datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from incidents.catalogue import catalogue_load
from incidents.models import Category
from incidents.notifications import DELIVERY
from incidents.routing import ROUTER
from incidents.worktime import calendar_sync_from_package

from .factories import build_actors, build_province, build_tree, log_in_verified

DATED = "dated"


def pytest_addoption(parser):
    parser.addoption(
        "--at", metavar="INSTANT", default=None,
        help="run the session with Python's clock moved to INSTANT (ISO 8601 with its UTC offset, "
             "e.g. 2026-10-10T09:00+08:00), ticking from there: proves the tests hold on that day",
    )


def pytest_configure(config):
    """Start the session's clock at --at before anything (migrations included) reads it.

    Only Python's clock moves (every thread: the live server and the Celery worker threads too);
    PostgreSQL's and Redis's stay real, so no test may compare against the database's now().
    """
    instant = config.getoption("--at")
    if not instant:
        return
    try:
        moved_to = datetime.fromisoformat(instant)
    except ValueError as error:
        raise pytest.UsageError(f"--at {instant!r}: {error}") from None
    if moved_to.tzinfo is None:
        raise pytest.UsageError(f"--at {instant!r}: give the UTC offset, e.g. {instant}+08:00")
    config.session_clock = time_machine.travel(moved_to, tick=True)
    config.session_clock.start()
    config.session_instant = moved_to


def pytest_unconfigure(config):
    clock = getattr(config, "session_clock", None)
    if clock is not None:
        clock.stop()


def pytest_report_header(config):
    instant = getattr(config, "session_instant", None)
    return f"clock: moved to {instant.isoformat()} (--at)" if instant else None


@pytest.fixture(scope="session")
def session_instant(request):
    """The instant the session's clock was moved to with --at, or None (the real clock)."""
    return getattr(request.config, "session_instant", None)


@pytest.fixture(autouse=True)
def wake_up_flags_cleared():
    """Start each test with no router or delivery run "already queued": a flag left by an earlier
    test (whose queued run went to no worker) would keep this test's work waiting for a sweep."""
    ROUTER.clear()
    DELIVERY.clear()


@pytest.fixture
def tree(db):
    return build_tree()


@pytest.fixture
def actors(tree):
    return build_actors(tree)


@pytest.fixture
def province(tree):
    """The test tree's city under a province, beside a second city (tests/factories.py)."""
    return build_province(tree)


@pytest.fixture
def catalogue(db):
    """The default catalogue and the package's working calendar (a transactional test may have wiped them)."""
    catalogue_load(Category)
    calendar_sync_from_package()
    return {category.code: category for category in Category.objects.all()}

@pytest.fixture
def api():
    """A DRF test client authenticated as the given user (None: anonymous)."""
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's client logged in as a superuser, past the administrators' second factor."""
    log_in_verified(client, admin_user)
    return client
