"""A deterministic synthetic city at real coordinates in Dongguan, for demos, tests and benchmarks.

Layout: N grid cells are laid along a Hilbert curve on a square lattice, so that every run of
consecutive cells is connected. Communities take runs of 8 cells, streets runs of communities,
districts runs of streets; each parent's boundary is the union of its children's, so the tree
covers its area fully, without overlaps, and children always lie inside their parents. Lattice
vertices are jittered (deterministically) so the cells look like city blocks, not squares.
"""

import hashlib
import math
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import transaction

from accounts.models import HandlingUnit, User

from .models import Area, Building, GridMember, KeyPlace, Organisation
from .statistics import area_statistics_refresh

CITY_CODE = "441900"
CITY_NAME = "东莞市"
CENTRE = (113.75, 23.02)
CELL_LNG = 0.0025  # ≈ 256 m at 23° N
CELL_LAT = 0.0023  # ≈ 255 m
JITTER = 0.22  # of a cell, keeps every quadrilateral convex
GRIDS_PER_COMMUNITY = 8
COMMUNITIES_PER_STREET = 12
STREETS_PER_DISTRICT = 16

DEMO_PASSWORD = "Demo-2026!"
DEMO_USERNAMES = (
    "demo_sysadmin", "demo_secadmin", "demo_auditor", "demo_leader", "demo_coordinator", "demo_handler",
    "demo_community", "demo_gridworker", "demo_operator", "demo_mediator",
)

DISTRICT_NAMES = [
    "东江区", "松湖区", "南城区", "莞城区", "虎门区", "长安区", "塘厦区", "常平区",
    "樟木头区", "石龙区", "厚街区", "凤岗区", "清溪区", "黄江区", "大朗区", "寮步区",
]
STREET_NAMES = [
    "东城", "南城", "万江", "莞城", "石碣", "高埗", "麻涌", "中堂", "望牛墩", "道滘", "洪梅", "沙田",
    "厚街", "长安", "寮步", "大岭山", "大朗", "黄江", "樟木头", "清溪", "塘厦", "凤岗", "谢岗", "常平",
    "桥头", "横沥", "东坑", "企石", "石排", "茶山", "石龙", "虎门",
]
COMMUNITY_FIRST = "东西南北新旺兴和平安福康华荣鸿富"
COMMUNITY_SECOND = "湖岭塘涌岗田山坑围基沙桥村园景苑"
ROADS = ["人民路", "东纵路", "鸿福路", "南城路", "运河路", "东江大道", "莞太路", "银丰路"]

DEPARTMENTS = [
    (HandlingUnit.Department.URBAN_MANAGEMENT, "城市管理和综合执法局"),
    (HandlingUnit.Department.HOUSING, "住房和城乡建设局"),
    (HandlingUnit.Department.PUBLIC_SECURITY, "公安分局"),
    (HandlingUnit.Department.MARKET_REGULATION, "市场监督管理局"),
    (HandlingUnit.Department.ECOLOGY, "生态环境分局"),
    (HandlingUnit.Department.TRANSPORT, "交通运输局"),
    (HandlingUnit.Department.WATER, "水务局"),
    (HandlingUnit.Department.HEALTH, "卫生健康局"),
]


@dataclass
class Node:
    """An area being generated: its cells (lattice indexes) and children."""

    level: str
    cells: list = field(default_factory=list)
    children: list = field(default_factory=list)
    name: str = ""
    code: str = ""
    geom: MultiPolygon = None
    area: Area = None


def hilbert_cell(side, index):
    """Return the (x, y) lattice cell of position `index` on a Hilbert curve filling side × side."""
    x = y = 0
    step, rest = 1, index
    while step < side:
        rx = 1 & (rest // 2)
        ry = 1 & (rest ^ rx)
        if ry == 0:
            if rx == 1:
                x, y = step - 1 - x, step - 1 - y
            x, y = y, x
        x, y = x + step * rx, y + step * ry
        rest //= 4
        step *= 2
    return x, y


def split_evenly(items, parts):
    """Return `items` cut into `parts` consecutive runs whose sizes differ by at most one."""
    size, extra = divmod(len(items), parts)
    runs, start = [], 0
    for part in range(parts):
        end = start + size + (part < extra)
        runs.append(items[start:end])
        start = end
    return runs


def _jitter(i, j):
    digest = hashlib.blake2b(f"{i},{j}".encode(), digest_size=4).digest()
    return ((digest[0] / 255 - 0.5) * 2 * JITTER, (digest[1] / 255 - 0.5) * 2 * JITTER)


class CityLayout:
    """The lattice geometry: cell (x, y) → polygon in WGS-84, centred on CENTRE."""

    def __init__(self, cells):
        xs = [x for x, _ in cells]
        ys = [y for _, y in cells]
        self.origin_lng = CENTRE[0] - (min(xs) + max(xs) + 1) / 2 * CELL_LNG
        self.origin_lat = CENTRE[1] + (min(ys) + max(ys) + 1) / 2 * CELL_LAT
        self._vertices = {}

    def vertex(self, i, j):
        if (i, j) not in self._vertices:
            dx, dy = _jitter(i, j)
            self._vertices[(i, j)] = (
                round(self.origin_lng + (i + dx) * CELL_LNG, 7),
                round(self.origin_lat - (j + dy) * CELL_LAT, 7),
            )
        return self._vertices[(i, j)]

    def cell_polygon(self, x, y):
        ring = [self.vertex(x, y), self.vertex(x + 1, y), self.vertex(x + 1, y + 1), self.vertex(x, y + 1)]
        return Polygon([*ring, ring[0]], srid=4326)

    def cell_point(self, x, y, fx=0.5, fy=0.5):
        """Return a point inside cell (x, y) at fractions (fx, fy) of its extent."""
        polygon = self.cell_polygon(x, y)
        (west, south, east, north) = polygon.extent
        point = Point(west + (east - west) * fx, north - (north - south) * fy, srid=4326)
        return point if polygon.contains(point) else polygon.point_on_surface


def build_tree(grid_count):
    """Return the city Node with its whole tree laid out, codes and names assigned."""
    side = 2 ** math.ceil(math.log2(math.sqrt(grid_count))) if grid_count > 1 else 1
    cells = [hilbert_cell(side, index) for index in range(grid_count)]
    layout = CityLayout(cells)
    grids = [Node(Area.Level.GRID, cells=[cell]) for cell in cells]
    communities = [
        Node(Area.Level.COMMUNITY, children=run)
        for run in split_evenly(grids, math.ceil(grid_count / GRIDS_PER_COMMUNITY))
    ]
    streets = [
        Node(Area.Level.STREET, children=run)
        for run in split_evenly(communities, math.ceil(len(communities) / COMMUNITIES_PER_STREET))
    ]
    district_count = min(len(streets), max(2, math.ceil(len(streets) / STREETS_PER_DISTRICT)))
    districts = [Node(Area.Level.DISTRICT, children=run) for run in split_evenly(streets, district_count)]
    city = Node(Area.Level.CITY, children=districts, code=CITY_CODE, name=CITY_NAME)
    _shape(city, layout)
    _number(city)
    return city, layout


def _shape(node, layout):
    """Give every node its boundary, bottom-up: a cell's quadrilateral, else its children's union."""
    if node.level == Area.Level.GRID:
        node.geom = MultiPolygon(layout.cell_polygon(*node.cells[0]), srid=4326)
        return
    for child in node.children:
        _shape(child, layout)
        node.cells.extend(child.cells)
    union = MultiPolygon([p for child in node.children for p in child.geom], srid=4326).unary_union
    node.geom = union if isinstance(union, MultiPolygon) else MultiPolygon(union, srid=4326)


def _number(node, counters=None):
    """Assign codes and names top-down, numbering children north→south, west→east."""
    counters = counters if counters is not None else {"street": 0, "community": 0}
    node.children = sorted(node.children, key=lambda c: (-round(c.geom.centroid.y, 3), c.geom.centroid.x))
    for number, child in enumerate(node.children, start=1):
        if child.level == Area.Level.DISTRICT:
            child.code = f"{CITY_CODE[:4]}{number:02d}"
            child.name = DISTRICT_NAMES[(number - 1) % len(DISTRICT_NAMES)] + _suffix(number, len(DISTRICT_NAMES))
        elif child.level == Area.Level.STREET:
            counters["street"] += 1
            index = counters["street"] - 1
            child.code = f"{node.code}{number:03d}"
            child.name = STREET_NAMES[index % len(STREET_NAMES)] + _suffix(index + 1, len(STREET_NAMES)) + "街道"
        elif child.level == Area.Level.COMMUNITY:
            counters["community"] += 1
            index = counters["community"] - 1
            first = COMMUNITY_FIRST[index % len(COMMUNITY_FIRST)]
            second = COMMUNITY_SECOND[(index // len(COMMUNITY_FIRST)) % len(COMMUNITY_SECOND)]
            child.code = f"{node.code}{number:03d}"
            child.name = f"{first}{second}" + _suffix(index + 1, len(COMMUNITY_FIRST) * len(COMMUNITY_SECOND)) + "社区"
        else:
            child.code = f"{node.code}{number:03d}"
            child.name = f"{node.name}第{number}网格"
        _number(child, counters)


def _suffix(number, available):
    """Return a distinguishing suffix once the name list has been used up."""
    return "" if number <= available else str((number - 1) // available + 1)


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


def demo_city_exists():
    """Return the number of grids of the demo city, or None when it is not loaded."""
    if not Area.objects.filter(code=CITY_CODE).exists():
        return None
    return Area.objects.filter(level=Area.Level.GRID, code__startswith=CITY_CODE[:4]).count()


@transaction.atomic
def demo_city_create(*, grid_count=600):
    """Create the demo city with its units, staff, base data and demo accounts; return the city."""
    root, layout = build_tree(grid_count)
    nodes = list(_walk(root))
    for level in Area.LEVEL_ORDER:
        batch = [node for node in nodes if node.level == level]
        parents = {child.code: node for node in nodes for child in node.children if child.level == level}
        areas = Area.objects.bulk_create(
            [
                Area(
                    code=node.code, name=node.name, level=level, geom=node.geom,
                    parent=parents[node.code].area if node.code in parents else None,
                    grid_kind=Area.GridKind.GENERAL if level == Area.Level.GRID else "",
                )
                for node in batch
            ],
            batch_size=2000,
        )
        for node, area in zip(batch, areas):
            node.area = area
    units = _create_units(nodes)
    _create_staff(nodes, units)
    _create_base_data(nodes, layout)
    _create_demo_accounts(root, units)
    area_statistics_refresh()
    return root.area


def _create_units(nodes):
    """Return {key: HandlingUnit}: committees, street offices, district and city departments."""
    units = []
    for node in nodes:
        if node.level == Area.Level.COMMUNITY:
            units.append(HandlingUnit(
                code=f"CC{node.code}", name=f"{node.name}居民委员会",
                kind=HandlingUnit.Kind.COMMUNITY_COMMITTEE, area=node.area,
            ))
        elif node.level == Area.Level.STREET:
            units.append(HandlingUnit(
                code=f"SO{node.code}", name=f"{node.name}办事处", kind=HandlingUnit.Kind.STREET_OFFICE, area=node.area,
            ))
        elif node.level in (Area.Level.DISTRICT, Area.Level.CITY):
            prefix = node.name if node.level == Area.Level.DISTRICT else "市"
            if node.level == Area.Level.DISTRICT:
                units.append(HandlingUnit(
                    code=f"CM{node.code}", name=f"{node.name}社会治理综合指挥中心",
                    kind=HandlingUnit.Kind.COMMAND_CENTRE, area=node.area,
                ))
            units.extend(
                HandlingUnit(
                    code=f"DP{node.code}{department.value[:3].upper()}", name=f"{prefix}{name}",
                    kind=HandlingUnit.Kind.DEPARTMENT, department=department, area=node.area,
                )
                for department, name in DEPARTMENTS
            )
            if node.level == Area.Level.CITY:
                units.append(HandlingUnit(
                    code=f"HC{node.code}", name=f"{node.name}12345政务服务便民热线中心",
                    kind=HandlingUnit.Kind.HOTLINE_CENTRE, area=node.area,
                ))
    by_code = {unit.code: unit for unit in HandlingUnit.objects.bulk_create(units, batch_size=2000)}
    _link_superiors(by_code)
    return by_code


def _link_superiors(units):
    """Committee → street office → district command centre; district departments → the centre."""
    for unit in units.values():
        area_code = unit.area.code
        if unit.kind == HandlingUnit.Kind.COMMUNITY_COMMITTEE:
            unit.superior = units[f"SO{area_code[:9]}"]
        elif unit.kind == HandlingUnit.Kind.STREET_OFFICE:
            unit.superior = units[f"CM{area_code[:6]}"]
        elif unit.kind == HandlingUnit.Kind.DEPARTMENT and unit.area.level == Area.Level.DISTRICT:
            unit.superior = units[f"CM{area_code}"]
    HandlingUnit.objects.bulk_update([u for u in units.values() if u.superior_id], ["superior"], batch_size=2000)


def _create_staff(nodes, units):
    """One full-time worker account per grid, a part-time worker on every third, building leaders."""
    unusable = make_password(None)
    users, members = [], []
    for node in nodes:
        if node.level == Area.Level.STREET:
            users.append(User(username=f"sc{node.code}", role=User.Role.STREET_COORDINATOR,
                              unit=units[f"SO{node.code}"], password=unusable, last_name=f"{node.name}调度员"))
        elif node.level == Area.Level.COMMUNITY:
            users.append(User(username=f"cs{node.code}", role=User.Role.COMMUNITY_STAFF,
                              unit=units[f"CC{node.code}"], password=unusable, last_name=f"{node.name}工作人员"))
    grids = [node for node in nodes if node.level == Area.Level.GRID]
    workers = User.objects.bulk_create(
        [
            User(username=f"gw{node.code}", role=User.Role.GRID_WORKER, unit=units[f"CC{node.code[:12]}"],
                 password=unusable, last_name=f"网格员{node.code[-6:]}")
            for node in grids
        ],
        batch_size=2000,
    )
    User.objects.bulk_create(users, batch_size=2000)
    for number, (node, worker) in enumerate(zip(grids, workers)):
        members.append(GridMember(grid=node.area, kind=GridMember.Kind.FULL_TIME_WORKER,
                                  name=worker.last_name, user=worker))
        if number % 3 == 0:
            members.append(GridMember(grid=node.area, kind=GridMember.Kind.PART_TIME_WORKER,
                                      name=f"兼职网格员{node.code[-6:]}"))
        members.append(GridMember(grid=node.area, kind=GridMember.Kind.BUILDING_LEADER,
                                  name=f"楼长{node.code[-6:]}"))
    GridMember.objects.bulk_create(members, batch_size=5000)


def _create_base_data(nodes, layout):
    """Three buildings per grid, a key place on every fourth grid, one organisation per grid."""
    names = {node.code: node.name for node in nodes if node.level != Area.Level.GRID}
    buildings, places, organisations = [], [], []
    place_kinds = list(KeyPlace.Kind)
    for number, node in enumerate(n for n in nodes if n.level == Area.Level.GRID):
        x, y = node.cells[0]
        road = ROADS[number % len(ROADS)]
        prefix = names[node.code[:6]] + names[node.code[:9]] + names[node.code[:12]]
        for building in range(3):
            buildings.append(Building(
                grid=node.area, code=f"{node.code}{building + 1:03d}", name=f"{road}{number * 3 + building + 1}号楼",
                address=f"{CITY_NAME}{prefix}{road}{number * 3 + building + 1}号",
                households=80 + (number * 37 + building * 11) % 120, floors=6 + (number + building) % 26,
                location=layout.cell_point(x, y, 0.25 + 0.25 * building, 0.3),
            ))
        if number % 4 == 0:
            kind = place_kinds[(number // 4) % len(place_kinds)]
            places.append(KeyPlace(
                grid=node.area, place_code=f"KP{node.code}", name=f"{node.name}{kind.label}",
                kind=kind, risk_level=list(KeyPlace.Risk)[number % 3],
                address=f"{CITY_NAME}{prefix}{road}{number + 500}号", location=layout.cell_point(x, y, 0.5, 0.7),
            ))
        organisations.append(Organisation(
            grid=node.area, name=f"{road}便民商店{number + 1}", kind=Organisation.Kind.SHOP,
            address=f"{CITY_NAME}{prefix}{road}{number + 800}号", location=layout.cell_point(x, y, 0.7, 0.6),
        ))
    Building.objects.bulk_create(buildings, batch_size=5000)
    KeyPlace.objects.bulk_create(places, batch_size=5000)
    Organisation.objects.bulk_create(organisations, batch_size=5000)


def _create_demo_accounts(root, units):
    """One account per role in the first street, the three administrators without a unit (demo only: they
    share DEMO_PASSWORD)."""
    district = root.children[0]
    street = district.children[0]
    community = street.children[0]
    grid = community.children[0]
    password = make_password(DEMO_PASSWORD)
    # 三员, without a unit and without a superuser; each enrols a TOTP device at their first log-in.
    for username, role, label in (("demo_sysadmin", User.Role.SYSTEM_ADMIN, "陈志远"),
                                  ("demo_secadmin", User.Role.SECURITY_ADMIN, "吴建华"),
                                  ("demo_auditor", User.Role.AUDIT_ADMIN, "郑秀英")):
        User(username=username, role=role, password=password, last_name=label).save()  # joins the role's group
    accounts = [
        ("demo_leader", User.Role.LEADER, units[f"SO{street.code}"], "周建国"),
        ("demo_coordinator", User.Role.STREET_COORDINATOR, units[f"SO{street.code}"], "李明"),
        ("demo_handler", User.Role.DEPARTMENT_HANDLER, units[f"DP{district.code}URB"], "黄伟"),
        ("demo_community", User.Role.COMMUNITY_STAFF, units[f"CC{community.code}"], "张丽"),
        ("demo_gridworker", User.Role.GRID_WORKER, units[f"CC{community.code}"], "王芳"),
        ("demo_operator", User.Role.HOTLINE_OPERATOR, units[f"HC{root.code}"], "刘洋"),
        ("demo_mediator", User.Role.MEDIATOR, units[f"SO{street.code}"], "赵敏"),
    ]
    created = User.objects.bulk_create([
        User(username=username, role=role, unit=unit, password=password, last_name=label)
        for username, role, unit, label in accounts
    ])
    worker = next(user for user in created if user.username == "demo_gridworker")
    GridMember.objects.create(grid=grid.area, kind=GridMember.Kind.FULL_TIME_WORKER, name=worker.last_name,
                              user=worker)
