from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import HandlingUnit, User
from tests.factories import HandlingUnitFactory, UserFactory
from tests.hotline.conftest import EAST_POINT, WEST_POINT, call_fields, catalogue, dispatched, operator  # noqa: F401

CST = ZoneInfo("Asia/Shanghai")
# A Tuesday morning of an ordinary week: two working days later is Thursday morning.
TUESDAY_10 = datetime(2026, 12, 1, 10, 0, tzinfo=CST)


@pytest.fixture(autouse=True)
def anchored():
    """Every dispatch rule is tested at the same instant, whatever day the suite runs."""
    with time_machine.travel(TUESDAY_10, tick=False) as traveller:
        yield traveller


@pytest.fixture
def units(tree, actors):
    """The district government (首接负责) and two more departments, with one handler each."""
    centre = actors.department_handler.unit.superior
    government = HandlingUnitFactory(area=tree.district, kind=HandlingUnit.Kind.DISTRICT_GOVERNMENT,
                                     name="测试区人民政府", superior=None)
    housing = HandlingUnitFactory(area=tree.district, kind=HandlingUnit.Kind.DEPARTMENT, superior=centre,
                                  department=HandlingUnit.Department.HOUSING, name="测试区住建局")
    ecology = HandlingUnitFactory(area=tree.district, kind=HandlingUnit.Kind.DEPARTMENT, superior=centre,
                                  department=HandlingUnit.Department.ECOLOGY, name="测试区生态环境局")
    water = HandlingUnit.objects.get(department=HandlingUnit.Department.WATER)
    return {
        "government": government, "housing": housing, "ecology": ecology, "water": water,
        "urban": actors.department_handler.unit, "west_office": actors.street_coordinator.unit,
        "government_handler": UserFactory(role=User.Role.DEPARTMENT_HANDLER, unit=government),
        "housing_handler": UserFactory(role=User.Role.DEPARTMENT_HANDLER, unit=housing),
        "ecology_handler": UserFactory(role=User.Role.DEPARTMENT_HANDLER, unit=ecology),
        "water_handler": UserFactory(role=User.Role.DEPARTMENT_HANDLER, unit=water),
    }
