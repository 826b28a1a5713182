"""Reads of the area tree, the spatial ones included."""

import json
import math
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import AsGeoJSON, GeomOutputGeoFunc, PointOnSurface
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, IntegerField, Max, Value, When
from django.utils.translation import gettext_lazy as _

from accounts.access import restrict_to_scope, scope_area, sees_areas

from .models import Area, Building, GridMember, KeyPlace

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


def root_area():
    """Return the first area at the top of the tree: a province, else (one city installed) a city; None when empty."""
    for level in Area.ROOT_LEVELS:
        root = Area.objects.filter(level=level, parent__isnull=True).order_by("code").first()
        if root is not None:
            return root
    return None


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


# --- The base map drawn from the area tree, for maps without a tile layer (there may be no internet) ---

OUTLINE_MIN_ZOOM, OUTLINE_MAX_ZOOM = 3, 18
# The zoom from which each level is drawn: finer areas only once they are large enough on the screen.
OUTLINE_LEVEL_ZOOM = {
    Area.Level.PROVINCE: 0, Area.Level.CITY: 0, Area.Level.DISTRICT: 0, Area.Level.STREET: 12,
    Area.Level.COMMUNITY: 14, Area.Level.GRID: 15,
}
# What anyone may see (the citizens' page): names and boundaries of the administrative areas; no grids,
# nothing inside them.
PUBLIC_OUTLINE_LEVELS = (Area.Level.PROVINCE, Area.Level.CITY, Area.Level.DISTRICT, Area.Level.STREET,
                         Area.Level.COMMUNITY)
OUTLINE_PLACES_ZOOM = 16
OUTLINE_PLACES_LIMIT = 2000
# The cache key carries the areas' version, so an edited boundary is never served stale; a day only bounds memory.
OUTLINE_CACHE_SECONDS = 24 * 3600


class SimplifyPreserveTopology(GeomOutputGeoFunc):
    """PostGIS's ST_SimplifyPreserveTopology: fewer vertices, never an invalid or vanished polygon."""

    function = "ST_SimplifyPreserveTopology"


class Multi(GeomOutputGeoFunc):
    """PostGIS's ST_Multi: the simplifier answers a lone polygon as a Polygon; boundaries are MultiPolygons."""

    function = "ST_Multi"


def outline_tolerance(zoom):
    """Return the simplification tolerance at `zoom` in degrees: half a screen pixel, a change nobody sees."""
    return 360 / (256 * 2**zoom) / 2


def outline_get(*, user, zoom):
    """Return the base map of `user` at `zoom` as a GeoJSON FeatureCollection (a dict).

    Staff get the district around their own area down to communities, the grids of their street
    (a grid worker's own flagged `own`), and from OUTLINE_PLACES_ZOOM the buildings and key places
    of their scope; anyone else the public outline of the whole city.
    """
    zoom = min(max(zoom, OUTLINE_MIN_ZOOM), OUTLINE_MAX_ZOOM)
    if not sees_areas(user):
        levels = tuple(level for level in PUBLIC_OUTLINE_LEVELS if OUTLINE_LEVEL_ZOOM[level] <= zoom)
        return {"type": "FeatureCollection", "features": _area_outlines(prefix="", levels=levels, zoom=zoom)}
    areas_prefix, grids_prefix = _outline_prefixes(scope_area(user))
    levels = tuple(
        level for level in Area.LEVEL_ORDER if level != Area.Level.GRID and OUTLINE_LEVEL_ZOOM[level] <= zoom
    )
    features = _area_outlines(prefix=areas_prefix, levels=levels, zoom=zoom)
    if OUTLINE_LEVEL_ZOOM[Area.Level.GRID] <= zoom:
        features += _area_outlines(prefix=grids_prefix, levels=(Area.Level.GRID,), zoom=zoom)
    own = _own_grid_codes(user)
    for feature in features:
        feature["properties"]["own"] = feature["id"] in own
    if zoom >= OUTLINE_PLACES_ZOOM:
        features += _place_points(user)
    return {"type": "FeatureCollection", "features": features}


def _outline_prefixes(scope):
    """Return the code prefixes of a base map around `scope`: (its areas', its grids').

    The areas of the district around `scope` (all of it for a province or a city, everything for a
    superuser's None); grids only of the street around it, the hundreds of a district's being too
    much for a phone.
    """
    if scope is None or scope.level in Area.ROOT_LEVELS:
        prefix = scope.scope_prefix if scope else ""
        return prefix, prefix
    district = scope.code[: Area.SCOPE_PREFIX_LENGTH[Area.Level.DISTRICT]]
    if scope.level == Area.Level.DISTRICT:
        return district, district
    return district, scope.code[: Area.SCOPE_PREFIX_LENGTH[Area.Level.STREET]]


def _own_grid_codes(user):
    """Return the codes of the grids `user` works in (a grid worker's), highlighted on their maps."""
    return set(GridMember.objects.filter(user=user, is_active=True).values_list("grid__code", flat=True))


def _area_outlines(*, prefix, levels, zoom):
    """Return the simplified areas of `levels` under `prefix` as GeoJSON features, cached per version of the areas."""
    version = Area.objects.filter(code__startswith=prefix).aggregate(changed=Max("updated_at"), count=Count("id"))
    changed = version["changed"].timestamp() if version["changed"] else 0
    key = f"grids:outline:{prefix}:{'-'.join(levels)}:{zoom}:{changed}:{version['count']}"
    return cache.get_or_set(
        key, lambda: _simplified_outlines(prefix=prefix, levels=levels, zoom=zoom), OUTLINE_CACHE_SECONDS
    )


def _simplified_outlines(*, prefix, levels, zoom):
    tolerance = outline_tolerance(zoom)
    precision = min(7, math.ceil(-math.log10(tolerance)) + 1)  # decimals finer than the tolerance are noise
    rows = (
        Area.objects.filter(code__startswith=prefix, level__in=levels)
        .annotate(
            outline=AsGeoJSON(Multi(SimplifyPreserveTopology("geom", Value(tolerance))), precision=precision),
            label=PointOnSurface("geom"),
        )
        .order_by("code")
        .values_list("code", "name", "level", "outline", "label")
    )
    return [
        {
            "type": "Feature",
            "id": code,
            "geometry": json.loads(outline),
            "properties": {
                "name": name, "level": level, "label": [round(label.x, precision), round(label.y, precision)],
            },
        }
        for code, name, level, outline, label in rows
    ]


def _place_points(user):
    """Return the buildings and key places in `user`'s scope that have a location, as GeoJSON points."""
    kinds = dict(KeyPlace.Kind.choices)
    buildings = restrict_to_scope(Building.objects.filter(location__isnull=False), user, code_field="grid__code")
    places = restrict_to_scope(KeyPlace.objects.filter(location__isnull=False), user, code_field="grid__code")
    rows = [
        ("building", name, "", location)
        for name, location in buildings.order_by("code").values_list("name", "location")[:OUTLINE_PLACES_LIMIT]
    ] + [
        ("key_place", name, str(kinds[kind]), location)
        for name, kind, location in places.order_by("place_code").values_list("name", "kind", "location")[
            :OUTLINE_PLACES_LIMIT
        ]
    ]
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(location.x, 7), round(location.y, 7)]},
            "properties": {"name": name, "place": place, "kind": kind},
        }
        for place, name, kind, location in rows
    ]
