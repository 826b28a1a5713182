import pytest
from rest_framework.test import APIClient

from incidents.catalogue import catalogue_load
from incidents.models import Category
from incidents.notifications import DELIVERY
from incidents.routing import ROUTER
from incidents.worktime import calendar_sync_from_package

from .factories import build_actors, build_tree


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
