"""A special-group file on the test tree: a person in the west community's first grid, paired with a
grid worker of that community and with its community staff member.

    care.helper            a grid worker of the west community, the person's helper
    actors.community_staff the other helper (a community cadre)
    care.bystander         actors.grid_worker: works the same grid, is no helper — sees nothing
    care.community_leader  leads the west community committee: sees the file, records no visit
    actors.leader          leads the west street office ("and up"): sees it too
    care.other_leader      leads the east community committee: sees nothing
"""

from dataclasses import dataclass
from datetime import date

import pytest

from accounts.models import HandlingUnit, User
from carelist.groups import national_groups_load
from carelist.models import CareGroup, CareHelper, CareLevel, CarePerson
from carelist.services import care_person_register
from tests.factories import UserFactory

ID_NUMBER, PHONE = "441900197803150031", "13800138031"
REGISTERED = date(2026, 3, 2)  # a Monday


@dataclass
class Care:
    helper: User
    bystander: User
    community_leader: User
    other_leader: User


@pytest.fixture
def care_groups(db):
    """The national groups (a transactional test may have wiped what the data migration loaded)."""
    national_groups_load(CareGroup, CareLevel)


@pytest.fixture
def care(actors, tree, care_groups):
    committee = actors.community_staff.unit
    east_committee = HandlingUnit.objects.get(area=tree.east_community, kind=HandlingUnit.Kind.COMMUNITY_COMMITTEE)
    return Care(
        helper=UserFactory(role=User.Role.GRID_WORKER, unit=committee, last_name="赵帮扶"),
        bystander=actors.grid_worker,
        community_leader=UserFactory(role=User.Role.LEADER, unit=committee),
        other_leader=UserFactory(role=User.Role.LEADER, unit=east_committee),
    )


def level(code, number):
    return CareLevel.objects.get(group__code=code, level=number)


@pytest.fixture
def person_make(tree, actors, care):
    """Make a person in the first grid (default: community correction, level 1, both helpers)."""
    def make(name="李建国", *, levels=(("community_correction", 1),), grid=None, helpers=None,
             registered_on=REGISTERED):
        return care_person_register(
            # Loaded as it stands (actor None): the pairings here need not follow the page's rules.
            actor=None, name=name, id_number=ID_NUMBER, phone=PHONE, address="西社区1号楼101",
            grid=grid or tree.grids[0], levels=[level(code, number) for code, number in levels],
            helpers=helpers if helpers is not None else [(care.helper, CareHelper.Kind.GRID_WORKER),
                                                         (actors.community_staff, CareHelper.Kind.COMMUNITY_CADRE)],
            registered_on=registered_on)

    return make


@pytest.fixture
def person(person_make) -> CarePerson:
    return person_make()
