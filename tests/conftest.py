import pytest
from django.core.cache import cache

from incidents.catalogue import catalogue_load
from incidents.models import Category
from incidents.routing import WAKE_UP_FLAG
from incidents.worktime import calendar_sync_from_package

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


@pytest.fixture
def catalogue(db):
    """The default catalogue and the package's working calendar (a transactional test may have wiped them)."""
    catalogue_load(Category)
    calendar_sync_from_package()
    return {category.code: category for category in Category.objects.all()}
