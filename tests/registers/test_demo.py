"""The demo registers: houses, households, residents of each kind, rental houses of each grade, a move-out
in the history and one inspection overdue — loaded once."""

from django.contrib.gis.geos import Point

from accounts.models import User
from grids.models import Building, GridMember
from registers.demo import demo_registers_create
from registers.models import Household, House, RentalHouse, Residence, Resident
from registers.services import inspections_overdue_warn
from tests.factories import UserFactory


def test_the_demo_grid_worker_gets_a_full_register_once(tree, actors, grades):
    worker = UserFactory(username="demo_gridworker", role=User.Role.GRID_WORKER, unit=actors.grid_worker.unit)
    GridMember.objects.create(grid=tree.grids[1], kind=GridMember.Kind.FULL_TIME_WORKER, name="王芳", user=worker)
    for number in range(3):
        Building.objects.create(grid=tree.grids[1], code=f"DEMO{number}", name=f"演示路{number + 1}号楼",
                                address=f"演示路{number + 1}号", location=Point(113.715, 23.002 + 0.002 * number))

    assert demo_registers_create() is True
    assert House.objects.filter(area_code=tree.grids[1].code).count() == 36 and Household.objects.count() == 36
    living = Residence.objects.filter(status=Residence.Status.LIVING)
    assert set(living.values_list("resident__kind", flat=True)) == set(Resident.Kind.values)
    assert Residence.objects.filter(status=Residence.Status.MOVED_OUT).count() == 3
    assert set(RentalHouse.objects.values_list("grade__code", flat=True)) == {"A", "B", "C"}
    assert inspections_overdue_warn() == 1  # the one overdue inspection, told to the demo worker
    assert worker.notifications.count() == 1
    assert demo_registers_create() is False
