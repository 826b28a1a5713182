"""The demo city's components (demo only): facilities of several kinds and states around the demo grid
worker's first grid, each maintained by a district department, and one work order about a damaged one."""

from django.contrib.gis.db.models.functions import PointOnSurface
from django.contrib.gis.geos import Point
from django.db import transaction

from accounts.models import HandlingUnit, User
from fieldwork.selectors import worker_grids
from grids.models import Area
from incidents.models import Category, Ticket
from incidents.services import ticket_create, ticket_route

from .catalogue import kinds_load
from .models import Component, ComponentKind

D = HandlingUnit.Department
S = Component.State
# (minor class, name, owner department, state, offset east and north of the grid's centre in degrees)
DEMO_COMPONENTS = [
    ("0105", "电力井盖", D.URBAN_MANAGEMENT, S.GOOD, (0.0004, 0.0002)),  # reported damaged below
    ("0102", "污水井盖", D.WATER, S.GOOD, (-0.0005, 0.0003)),
    ("0101", "上水井盖", D.WATER, S.LOST, (0.0006, -0.0004)),
    ("0114", "消防栓", D.WATER, S.GOOD, (-0.0003, -0.0005)),
    ("0118", "路灯", D.URBAN_MANAGEMENT, S.GOOD, (0.0001, 0.0006)),
    ("0118", "路灯", D.URBAN_MANAGEMENT, S.DAMAGED, (0.0008, 0.0005)),
    ("0210", "交通信号灯", D.TRANSPORT, S.GOOD, (-0.0007, 0.0001)),
    ("0211", "护栏", D.TRANSPORT, S.OCCUPIED, (0.0002, -0.0007)),
    ("0306", "垃圾箱", D.URBAN_MANAGEMENT, S.GOOD, (-0.0001, 0.0004)),
    ("0301", "公共厕所", D.URBAN_MANAGEMENT, S.GOOD, (0.0005, 0.0)),
    ("0402", "行道树", D.URBAN_MANAGEMENT, S.GOOD, (-0.0006, -0.0002)),
]


def demo_components_create():
    """Create the demo components once and report the damaged manhole cover; return whether anything was made."""
    worker = User.objects.filter(username="demo_gridworker").first()
    grid = worker_grids(worker=worker).annotate(centre=PointOnSurface("geom")).first() if worker else None
    if grid is None or Component.objects.exists():
        return False
    district = Area.objects.get(code=grid.code[:6])
    owners = {unit.department: unit for unit in HandlingUnit.objects.filter(
        area=district, kind=HandlingUnit.Kind.DEPARTMENT, is_active=True)}
    kinds_load(ComponentKind)  # a flushed test database has lost the migration's rows
    kinds = ComponentKind.objects.in_bulk([row[0] for row in DEMO_COMPONENTS], field_name="code")
    with transaction.atomic():
        components = Component.objects.bulk_create([
            Component(code=f"{district.code}{kind}{sequence:06d}", kind=kinds[kind], name=name, owner_unit=owners[owner],
                      state=state, location=Point(grid.centre.x + dx, grid.centre.y + dy, srid=4326), grid=grid,
                      area_code=grid.code, address=f"{grid.name}{name}")
            for sequence, (kind, name, owner, state, (dx, dy)) in enumerate(DEMO_COMPONENTS, start=1)
        ])
    _manhole_report(worker, components[0])
    return True


def _manhole_report(worker, cover):
    """A grid worker reports the broken power-line cover: it goes to urban management, its owner, not to the
    unit the catalogue gives manhole covers."""
    ticket, _created = ticket_create(
        source=Ticket.Source.GRID_WORKER, category=Category.objects.get(code="0202"),
        description="电力井盖破裂，一角塌陷，行人易绊倒", location=cover.location, reporter=worker,
        idempotency_key="demo-component-cover", component=cover, component_damaged=True,
    )
    ticket_route(ticket_id=ticket.pk)
