import pytest

from .factories import build_actors, build_tree


@pytest.fixture
def tree(db):
    return build_tree()


@pytest.fixture
def actors(tree):
    return build_actors(tree)
