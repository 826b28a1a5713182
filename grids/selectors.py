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
_LOCATE_SQL = "SELECT {columns} FROM grids_area grid {joins} WHERE {condition} ORDER BY grid.code LIMIT 1".format(
    columns=", ".join(f"{alias}.{field}" for alias in _CHAIN_ALIASES for field in _CHAIN_FIELDS),
    joins=" ".join(
        f"LEFT JOIN grids_area {alias} ON {alias}.id = {child}.parent_id"
        for child, alias in zip(_CHAIN_ALIASES, _CHAIN_ALIASES[1:])
    ),
    condition="grid.level = 'grid' AND ST_Intersects(grid.geom, ST_SetSRID(ST_MakePoint(%s, %s), 4326))",
)


def grid_locate(point):
    """Return the Location of the grid containing `point` (transformed to WGS-84 if need be).

    A point on an edge or vertex shared by several grids belongs to the one with the lowest
    code, so every caller gets the same answer (`contains` would match none of them).
    """
    if point.srid != 4326:
        point = point.transform(4326, clone=True)
    with connection.cursor() as cursor:
        cursor.execute(_LOCATE_SQL, [point.x, point.y])
        row = cursor.fetchone()
    if row is None:
        raise PointOutsideGrids(POINT_OUTSIDE_GRIDS)
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
