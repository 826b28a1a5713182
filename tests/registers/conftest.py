"""Registers in the test tree: two houses in a building of the west community's first grid (the grid
worker's), one of them a rental house, and a worker of the neighbouring grid who must be refused."""

from datetime import date

import pytest
import time_machine
from django.contrib.gis.geos import Point
from django.utils import timezone

from accounts.models import User
from grids.models import Building, GridMember
from registers import services
from registers.defaults import risk_grades_load
from registers.models import House, Resident, RiskGrade
from tests.factories import UserFactory

# Every test here runs on this day (a Tuesday), so dates and due dates read the same on any day.
TODAY = date(2026, 6, 2)
ID_NUMBER = "441900199001011234"
OTHER_ID_NUMBER = "44190019851231567X"


@pytest.fixture(autouse=True)
def anchored_today():
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 6, 2, 10, 0)), tick=True):
        yield


@pytest.fixture
def grades(db):
    """The risk grades as the data migration ships them (a transactional test may have flushed them)."""
    risk_grades_load(RiskGrade)
    return {grade.code: grade for grade in RiskGrade.objects.all()}


@pytest.fixture
def building(tree):
    return Building.objects.create(grid=tree.grids[0], code="B441901001001001", name="幸福路1号楼",
                                   address="测试市幸福路1号", location=Point(113.705, 23.005, srid=4326))


@pytest.fixture
def house(building):
    return House.objects.create(building=building, unit="1", floor=3, room="1-301", floor_area_m2=85)


@pytest.fixture
def rental(building, actors, grades):
    house = House.objects.create(building=building, unit="2", floor=5, room="2-502")
    return services.rental_house_register(actor=actors.grid_worker, house=house, owner_name="陈房东",
                                          owner_phone="13800001111", grade=grades["C"],
                                          registered_on=date(2026, 5, 20))


@pytest.fixture
def residence(house, actors):
    return services.resident_move_in(actor=actors.grid_worker, house=house, kind=Resident.Kind.REGISTERED,
                                     name="张三丰", id_number=ID_NUMBER, phone="13912345678",
                                     moved_in_on=date(2025, 3, 1))


@pytest.fixture
def neighbour_worker(tree, actors):
    """A grid worker of the same community's second grid: sees nothing of the first grid's registers."""
    worker = UserFactory(role=User.Role.GRID_WORKER, unit=actors.grid_worker.unit, last_name="李邻格")
    GridMember.objects.create(grid=tree.grids[1], kind=GridMember.Kind.FULL_TIME_WORKER, name="李邻格", user=worker)
    return worker
