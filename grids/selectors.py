"""Reads of the area tree, the spatial ones included."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from accounts.access import restrict_to_scope

from .models import Area, GridMember

POINT_OUTSIDE_GRIDS = _("No grid contains this point; it lies outside the area the platform covers.")


class PointOutsideGrids(Exception):
    """The point lies in no grid."""


@dataclass(frozen=True)
class Location:
    """A grid and its ancestors, lowest first: grid, community, street, district, city."""

    grid: Area
    chain: tuple

    def at(self, level):
        """Return the area of `level` in the chain."""
        return next(area for area in self.chain if area.level == level)


# The grid and its four ancestors in one statement. Raw SQL because compiling the equivalent
# five-table select_related query cost the ORM ~1.5 ms per call, four times the query itself
# (docs/benchmarks.md). Boundaries are left out; they load on access like deferred fields.
_CHAIN_FIELDS = ("id", "code", "name", "level", "parent_id", "grid_kind")
_CHAIN_ALIASES = ("grid", "community", "street", "district", "city")
_CHAIN_COLUMNS = ", ".join(f"{alias}.{field}" for alias in _CHAIN_ALIASES for field in _CHAIN_FIELDS)
_ANCESTOR_JOINS = " ".join(
    f"LEFT JOIN grids_area {alias} ON {alias}.id = {child}.parent_id"
    for child, alias in zip(_CHAIN_ALIASES, _CHAIN_ALIASES[1:])
)
_LOCATE_SQL = f"""
    SELECT {_CHAIN_COLUMNS} FROM grids_area grid {_ANCESTOR_JOINS}
     WHERE grid.level = 'grid' AND ST_Intersects(grid.geom, ST_SetSRID(ST_MakePoint(%s, %s), 4326))
     ORDER BY grid.code LIMIT 1
"""
# Many points in one statement: the same lookup per point, numbered to keep the callers' order.
_LOCATE_MANY_SQL = f"""
    SELECT point.n, {_CHAIN_COLUMNS}
      FROM unnest(%s::float8[], %s::float8[]) WITH ORDINALITY AS point(x, y, n)
     CROSS JOIN LATERAL (
           SELECT {", ".join(_CHAIN_FIELDS)} FROM grids_area
            WHERE level = 'grid' AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint(point.x, point.y), 4326))
            ORDER BY code LIMIT 1) grid
     {_ANCESTOR_JOINS}
"""


def grid_locate(point):
    """Return the Location of the grid containing `point` (transformed to WGS-84 if need be).

    A point on an edge or vertex shared by several grids belongs to the one with the lowest
    code, so every caller gets the same answer (`contains` would match none of them).
    """
    with connection.cursor() as cursor:
        cursor.execute(_LOCATE_SQL, _coordinates(point))
        row = cursor.fetchone()
    if row is None:
        raise PointOutsideGrids(POINT_OUTSIDE_GRIDS)
    return _location(row)


def grid_locate_many(points):
    """Return the Location of each of `points` like grid_locate(), in order; None where no grid is."""
    if not points:
        return []
    xs, ys = zip(*(_coordinates(point) for point in points))
    with connection.cursor() as cursor:
        cursor.execute(_LOCATE_MANY_SQL, [list(xs), list(ys)])
        found = {row[0]: _location(row[1:]) for row in cursor.fetchall()}
    return [found.get(n) for n in range(1, len(points) + 1)]


def _coordinates(point):
    if point.srid != 4326:
        point = point.transform(4326, clone=True)
    return [point.x, point.y]


def _location(row):
    width = len(_CHAIN_FIELDS)
    chain = [
        Area.from_db(connection.alias, _CHAIN_FIELDS, row[start:start + width])
        for start in range(0, len(row), width)
        if row[start] is not None
    ]
    for child, parent in zip(chain, chain[1:]):
        child.parent = parent
    return Location(grid=chain[0], chain=tuple(chain))


def area_list(*, user, level=None, parent_code=None):
    """Return the areas `user` may see, optionally of one level and under one parent."""
    areas = restrict_to_scope(Area.objects.all(), user)
    if level:
        areas = areas.filter(level=level)
    if parent_code:
        areas = areas.filter(parent__code=parent_code)
    return areas


def area_get(*, user, code):
    """Return the area with `code` if `user` may see it, else None."""
    return area_list(user=user).filter(code=code).select_related("parent", "statistics").first()


def grid_member_list(*, grid):
    """Return the active members of a grid in the order of GridMember.Kind: workers first."""
    rank = Case(
        *(When(kind=kind, then=Value(index)) for index, kind in enumerate(GridMember.Kind.values)),
        output_field=IntegerField(),
    )
    return GridMember.objects.filter(grid=grid, is_active=True).order_by(rank, "name")
