"""Reads of field work: who sees which patrol, a worker's grids, and where a point lies against a grid."""

from django.contrib.gis.db.models.functions import Distance
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, F, Q, Sum

from accounts.access import is_in_scope, scope_area, scope_q, visible_one
from accounts.models import User
from govportal.periods import Period
from govportal.workflow import ROLE_NOT_ALLOWED
from grids.models import Area
from grids.selectors import root_area
from incidents.models import Ticket

from .models import CheckIn, Patrol, PatrolFinding

# Tracks are personal data (domain.md §7): the worker sees their own; the leadership of their
# community and up sees those in its area. Other roles of the case work never see a track.
TRACK_OVERSEERS = (User.Role.COMMUNITY_STAFF, User.Role.STREET_COORDINATOR, User.Role.LEADER)


# Who sees a patrol, in its two forms (a filter and a test of one row); keep them together.
def patrol_list(*, user):
    """Return the patrols `user` may see: their own, or those in their area for the leadership."""
    if not user.is_authenticated or not user.is_active:
        return Patrol.objects.none()
    if user.is_superuser:
        return Patrol.objects.all()
    if user.role in TRACK_OVERSEERS:
        return Patrol.objects.filter(scope_q(user, code_field="area_code"))
    return Patrol.objects.filter(worker=user)


def patrol_is_visible(*, user, patrol):
    """Return whether `patrol` is among patrol_list(user=user)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or patrol.worker_id == user.pk:
        return True
    return user.role in TRACK_OVERSEERS and is_in_scope(user, patrol.area_code)


def patrol_get(*, user, patrol_id):
    """Return the patrol if `user` may see it; Patrol.DoesNotExist otherwise, whether it exists or not."""
    return visible_one(patrol_list(user=user).select_related("grid", "worker"), patrol_id)


def patrol_visible_id(*, user, patrol_id):
    """Return `patrol_id` if `user` may see that patrol, reading neither its track nor its grid (before a
    service that loads the patrol itself); Patrol.DoesNotExist otherwise."""
    return visible_one(patrol_list(user=user).only("pk"), patrol_id).pk


def patrol_active(*, worker):
    """Return `worker`'s open patrol, or None."""
    return Patrol.objects.filter(worker=worker, status=Patrol.Status.ACTIVE).select_related("grid").first()


def worker_grids(*, worker):
    """Return the grids `worker` is an active member of, by code."""
    return Area.objects.filter(level=Area.Level.GRID, members__user=worker, members__is_active=True).order_by("code")


def nearest_grid(*, grids, point):
    """Return the grid of `grids` nearest to `point` (one holding it first), with `gap` its distance
    in metres on the spheroid (0 inside or on the edge); None when `grids` is empty."""
    return grids.annotate(gap=Distance("geom", point, spheroid=True)).order_by("gap", "code").first()


def check_in_today(*, worker, day):
    """Return `worker`'s check-in of `day`, or None."""
    return CheckIn.objects.filter(worker=worker, day=day).select_related("grid").first()


# --- figures (the community's leadership and up, for an area in their scope) -------------------

def figures_area(*, user, code=None):
    """Return the area whose figures `user` reads: `code` if it lies in their scope, else their own area
    (the city for a superuser); Area.DoesNotExist for an unknown code or one outside their scope.
    PermissionDenied for a role that reads no tracks."""
    if not (user.is_superuser or user.role in TRACK_OVERSEERS):
        raise PermissionDenied(ROLE_NOT_ALLOWED)
    if code:
        return visible_one(Area.objects.filter(scope_q(user)), Area.objects.get(code=code).pk)
    return scope_area(user) or root_area()


def _patrols_in(area, period):
    start, end = period.bounds()
    return Patrol.objects.filter(area_code__startswith=area.scope_prefix, started_at__gte=start, started_at__lt=end)


def patrol_figures(*, area, period):
    """Return per grid worker and grid: patrols, kilometres, hours on (ended) patrols and problems reported on them."""
    patrols = _patrols_in(area, period)
    problems = dict(
        ((row["worker"], row["grid"]), row["n"]) for row in
        PatrolFinding.objects.filter(patrol__in=patrols, kind=PatrolFinding.Kind.PROBLEM)
        .values(worker=F("patrol__worker"), grid=F("patrol__grid")).annotate(n=Count("pk"))
    )
    rows = (patrols.values("worker", "grid", "grid__code", "grid__name", "worker__last_name", "worker__first_name",
                           "worker__username")
            .annotate(patrols=Count("pk"), metres=Sum("distance_m"),
                      time=Sum(F("ended_at") - F("started_at"), filter=Q(ended_at__isnull=False)))
            .order_by("grid__code", "worker__username"))
    return [{
        "worker": f"{row['worker__last_name']}{row['worker__first_name']}" or row["worker__username"],
        "grid": row["grid__code"], "grid_name": row["grid__name"], "patrols": row["patrols"],
        "km": round((row["metres"] or 0) / 1000, 2),
        "hours": round(row["time"].total_seconds() / 3600, 2) if row["time"] else 0.0,
        "problems": problems.get((row["worker"], row["grid"]), 0),
    } for row in rows]


# A track sweeps this far on each side: what a walker sees of the street.
SWEEP_METRES = 25
# The UTM zone (northern hemisphere) of a geometry's centroid: areas are measured in metres there.
_UTM = "(32600 + floor((ST_X(ST_Centroid({geom})) + 180) / 6)::int + 1)"
GRID_COVERAGE_SQL = f"""
    WITH grid AS (
        SELECT id, code, name, ST_Transform(geom, {_UTM.format(geom="geom")}) AS shape
          FROM grids_area
         WHERE level = 'grid' AND code LIKE %(prefix)s
    ), swept AS (
        SELECT grid.id, ST_Union(ST_Buffer(ST_Transform(patrol.track, ST_SRID(grid.shape)), %(metres)s)) AS shape
          FROM fieldwork_patrol AS patrol JOIN grid ON grid.id = patrol.grid_id
         WHERE patrol.track IS NOT NULL AND patrol.started_at >= %(start)s AND patrol.started_at < %(end)s
         GROUP BY grid.id
    )
    SELECT grid.code, grid.name,
           COALESCE(ST_Area(ST_Intersection(swept.shape, grid.shape)) / NULLIF(ST_Area(grid.shape), 0), 0)
      FROM grid LEFT JOIN swept ON swept.id = grid.id
     ORDER BY grid.code
"""


def grid_coverage(*, area, period, metres=SWEEP_METRES):
    """Return [(grid code, name, share 0–1)] of every grid in `area`: the share of its area within
    `metres` of a track of the period (the buffered tracks' union ∩ the grid / the grid's area, in metres)."""
    start, end = period.bounds()
    with connection.cursor() as cursor:
        cursor.execute(GRID_COVERAGE_SQL, {"prefix": f"{area.scope_prefix}%", "metres": metres,
                                           "start": start, "end": end})
        return [(code, name, float(share)) for code, name, share in cursor.fetchall()]


def report_sources(*, area, period):
    """Return {source: {"total", "on_patrol"}} of the work orders reported in `area` in `period`."""
    start, end = period.bounds()
    rows = (Ticket.objects.filter(area_code__startswith=area.scope_prefix, created_at__gte=start, created_at__lt=end)
            .values("source").annotate(total=Count("pk"), on_patrol=Count("patrol_finding")).order_by("source"))
    return {row["source"]: {"total": row["total"], "on_patrol": row["on_patrol"]} for row in rows}


def tracks_of_day(*, area, day):
    """Return the patrols of `day` in `area` that have a track, with their workers and grids."""
    start, end = Period(day, day).bounds()
    return (Patrol.objects.filter(area_code__startswith=area.scope_prefix, started_at__gte=start, started_at__lt=end,
                                  track__isnull=False).select_related("worker", "grid").order_by("started_at"))
