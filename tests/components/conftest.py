import pytest
from django.contrib.gis.geos import Point

from accounts.models import HandlingUnit
from components.catalogue import kinds_load
from components.models import Component, ComponentKind

# Inside the west street's first grid of the test tree (tests/factories.py).
WEST_POINT = Point(113.705, 23.005, srid=4326)
EAST_POINT = Point(113.735, 23.005, srid=4326)


@pytest.fixture(autouse=True)
def component_kinds(db):
    """The seeded catalogue (a transactional test may have wiped it)."""
    kinds_load(ComponentKind)


@pytest.fixture
def urban_management(actors):
    return actors.department_handler.unit


@pytest.fixture
def water(actors):
    return HandlingUnit.objects.get(department=HandlingUnit.Department.WATER)


@pytest.fixture
def component(tree, urban_management):
    """Return a function storing a component of the test district (a power-line manhole cover by default)."""

    def make(sequence=1, kind="0105", point=WEST_POINT, owner=None, state=Component.State.GOOD):
        grid = next(grid for grid in tree.grids if grid.geom.intersects(point))
        return Component.objects.create(
            code=f"{tree.district.code}{kind}{sequence:06d}", kind=ComponentKind.objects.get(code=kind),
            owner_unit=owner or urban_management, state=state, location=point, grid=grid, area_code=grid.code)

    return make
