"""Reads of the area tree, the spatial ones included."""

from dataclasses import dataclass

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


def grid_locate(point):
    """Return the Location of the grid containing `point` (WGS-84).

    A point on an edge or vertex shared by several grids belongs to the one with the lowest
    code, so every caller gets the same answer (`contains` would match none of them).
    """
    grid = (
        Area.objects.filter(level=Area.Level.GRID, geom__intersects=point)
        .select_related("parent__parent__parent__parent")
        .order_by("code")
        .first()
    )
    if grid is None:
        raise PointOutsideGrids(POINT_OUTSIDE_GRIDS)
    chain = [grid]
    while chain[-1].parent is not None:
        chain.append(chain[-1].parent)
    return Location(grid=grid, chain=tuple(chain))


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
