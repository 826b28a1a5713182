"""Factories and a small named area tree shared by the tests.

The tree, in WGS-84 degrees (each grid 0.01 × 0.01):

    city 441900 ── district 441901 ─┬─ street 441901001 (west) ── community 441901001001 ─┬─ grid …001001 [113.70, 113.71]
                                    │                                                    └─ grid …001002 [113.71, 113.72]
                                    └─ street 441901002 (east) ── community 441901002001 ─┬─ grid …001001 [113.72, 113.73]
                                                                                          └─ grid …001002 [113.73, 113.74]
    all grids span latitudes [23.00, 23.01]

`build_province` puts that city under province 440000 beside a second city, 440300, whose one
grid is [113.80, 113.81]: an installation of several cities.
"""

from dataclasses import dataclass

import factory
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import HandlingUnit, User
from grids.models import Area, GridMember
from incidents.models import Ticket
from mediation.models import DisputeType, MediationCase

TEST_PASSWORD = "Test-pass-2026!"
SOUTH, NORTH = 23.00, 23.01


def box(west, south, east, north):
    """Return a WGS-84 MultiPolygon rectangle."""
    return MultiPolygon(Polygon.from_bbox((west, south, east, north)), srid=4326)


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    name = factory.Sequence(lambda n: f"区域{n}")


class HandlingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandlingUnit

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.LazyAttribute(lambda unit: f"{unit.area.name}单位")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(user, create, extracted, **kwargs):
        if create:
            user.save(update_fields=["password"])


def log_in_verified(client, user):
    """Log `user` in on the test `client` past the second factor, as an administrator is after the TOTP step."""
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "test"})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


class TicketFactory(factory.django.DjangoModelFactory):
    """A work order as a row only (no routing, no events): build a batch and bulk-create it for long lists."""

    class Meta:
        model = Ticket

    number = factory.Sequence(lambda n: f"TEST{n:010d}")
    source = Ticket.Source.GRID_WORKER
    description = "楼道堆放杂物"
    location = factory.LazyFunction(lambda: Point(113.705, 23.005, srid=4326))  # in the first grid
    sign_minutes, handle_minutes, verify_minutes = 120, 3 * 420, 420


class CaseFactory(factory.django.DjangoModelFactory):
    """A mediation case as a row only (no parties, no events): build a batch and bulk-create it for long lists."""

    class Meta:
        model = MediationCase

    number = factory.Sequence(lambda n: f"TEST{n:010d}")
    source = MediationCase.Source.WALK_IN
    dispute_type = DisputeType.NEIGHBOURS
    facts = "楼上漏水"


@dataclass
class Tree:
    city: Area
    district: Area
    west_street: Area
    east_street: Area
    west_community: Area
    east_community: Area
    grids: list  # west to east: w1, w2, e1, e2


def build_tree():
    """Create the tree drawn in this module's docstring."""
    city = AreaFactory(code="441900", name="测试市", level=Area.Level.CITY, geom=box(113.69, 22.99, 113.75, 23.02))
    district = AreaFactory(code="441901", name="测试区", level=Area.Level.DISTRICT, parent=city,
                           geom=box(113.70, SOUTH, 113.74, NORTH))
    streets, communities, grids = [], [], []
    for number, (name, west) in enumerate((("西街道", 113.70), ("东街道", 113.72)), start=1):
        street = AreaFactory(code=f"441901{number:03d}", name=name, level=Area.Level.STREET, parent=district,
                             geom=box(west, SOUTH, west + 0.02, NORTH))
        community = AreaFactory(code=f"{street.code}001", name=f"{name[0]}社区", level=Area.Level.COMMUNITY,
                                parent=street, geom=street.geom)
        for cell in range(2):
            grids.append(AreaFactory(
                code=f"{community.code}{cell + 1:03d}", name=f"{community.name}第{cell + 1}网格",
                level=Area.Level.GRID, parent=community, grid_kind=Area.GridKind.GENERAL,
                geom=box(west + 0.01 * cell, SOUTH, west + 0.01 * (cell + 1), NORTH),
            ))
        streets.append(street)
        communities.append(community)
    return Tree(city, district, *streets, *communities, grids)


@dataclass
class Actors:
    """One person per role, plus an outsider from the other street who must be refused."""

    grid_worker: User
    community_staff: User
    street_coordinator: User
    department_handler: User
    leader: User
    outsider: User
    admin: User


def build_actors(tree):
    """Create the actors of `Actors` inside `tree` (the west street is "ours")."""
    centre = HandlingUnitFactory(area=tree.district, kind=HandlingUnit.Kind.COMMAND_CENTRE, name="测试区指挥中心")
    street_office = HandlingUnitFactory(area=tree.west_street, kind=HandlingUnit.Kind.STREET_OFFICE,
                                        superior=centre, name="西街道办事处")
    other_office = HandlingUnitFactory(area=tree.east_street, kind=HandlingUnit.Kind.STREET_OFFICE,
                                       superior=centre, name="东街道办事处")
    committee = HandlingUnitFactory(area=tree.west_community, kind=HandlingUnit.Kind.COMMUNITY_COMMITTEE,
                                    superior=street_office, name="西社区居委会")
    HandlingUnitFactory(area=tree.east_community, kind=HandlingUnit.Kind.COMMUNITY_COMMITTEE,
                        superior=other_office, name="东社区居委会")
    department = HandlingUnitFactory(area=tree.district, kind=HandlingUnit.Kind.DEPARTMENT, superior=centre,
                                     department=HandlingUnit.Department.URBAN_MANAGEMENT, name="测试区城管局")
    HandlingUnitFactory(area=tree.district, kind=HandlingUnit.Kind.DEPARTMENT, superior=centre,
                        department=HandlingUnit.Department.WATER, name="测试区水务局")
    grid_worker = UserFactory(role=User.Role.GRID_WORKER, unit=committee, last_name="王网格")
    GridMember.objects.create(grid=tree.grids[0], kind=GridMember.Kind.FULL_TIME_WORKER, name="王网格",
                              user=grid_worker)
    return Actors(
        grid_worker=grid_worker,
        community_staff=UserFactory(role=User.Role.COMMUNITY_STAFF, unit=committee),
        street_coordinator=UserFactory(role=User.Role.STREET_COORDINATOR, unit=street_office),
        department_handler=UserFactory(role=User.Role.DEPARTMENT_HANDLER, unit=department),
        leader=UserFactory(role=User.Role.LEADER, unit=street_office),
        outsider=UserFactory(role=User.Role.STREET_COORDINATOR, unit=other_office),
        admin=UserFactory(is_superuser=True),  # break-glass: no role, every power
    )


@dataclass
class Province:
    """Two cities under one province, each with a leader, and the province's own leader."""

    province: Area
    other_city: Area
    other_community: Area
    other_grid: Area
    province_leader: User
    city_leader: User  # of the tree's city
    other_city_leader: User


def build_province(tree):
    """Put `tree`'s city under province 440000 beside city 440300 (one district, street, community and
    grid, with its committee and street office), and give each of the three a leader."""
    province = AreaFactory(code="440000", name="测试省", level=Area.Level.PROVINCE,
                           geom=box(113.60, 22.90, 113.90, 23.10))
    Area.objects.filter(pk=tree.city.pk).update(parent=province)
    tree.city.parent = province
    chain, parent = [], province
    for code, name, level in (("440300", "另一市", Area.Level.CITY), ("440304", "另一区", Area.Level.DISTRICT),
                              ("440304001", "另一街道", Area.Level.STREET),
                              ("440304001001", "另一社区", Area.Level.COMMUNITY),
                              ("440304001001001", "另一社区第1网格", Area.Level.GRID)):
        parent = AreaFactory(code=code, name=name, level=level, parent=parent,
                             geom=box(113.80, SOUTH, 113.81, NORTH),
                             grid_kind=Area.GridKind.GENERAL if level == Area.Level.GRID else "")
        chain.append(parent)
    other_city, other_district, other_street, other_community, other_grid = chain
    centre = HandlingUnitFactory(area=other_district, kind=HandlingUnit.Kind.COMMAND_CENTRE, name="另一区指挥中心")
    office = HandlingUnitFactory(area=other_street, kind=HandlingUnit.Kind.STREET_OFFICE, superior=centre,
                                 name="另一街道办事处")
    HandlingUnitFactory(area=other_community, kind=HandlingUnit.Kind.COMMUNITY_COMMITTEE, superior=office,
                        name="另一社区居委会")

    def leader_of(area, name):
        unit = HandlingUnitFactory(area=area, kind=HandlingUnit.Kind.COMMAND_CENTRE, name=name)
        return UserFactory(role=User.Role.LEADER, unit=unit)

    return Province(
        province=province, other_city=other_city, other_community=other_community, other_grid=other_grid,
        province_leader=leader_of(province, "测试省社会治理指挥中心"),
        city_leader=leader_of(tree.city, "测试市社会治理指挥中心"),
        other_city_leader=leader_of(other_city, "另一市社会治理指挥中心"),
    )
