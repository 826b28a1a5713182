import pytest
from django.core.cache import cache

from incidents.routing import WAKE_UP_FLAG

from .factories import build_actors, build_tree


@pytest.fixture(autouse=True)
def routing_wake_up_flag_cleared():
    """Start each test with no router run "already queued": a flag left by an earlier test (whose
    queued run went to no worker) would keep this test's tickets waiting for the resend sweep."""
    cache.delete(WAKE_UP_FLAG)


@pytest.fixture
def tree(db):
    return build_tree()


@pytest.fixture
def actors(tree):
    return build_actors(tree)
