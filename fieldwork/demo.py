"""Demo field work (seed_demo): the demo grid worker's check-ins and patrols of the last week, with tracks
that sweep their grid in lanes, and a few places noted "nothing found"."""

from datetime import datetime, time, timedelta

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .models import CheckIn, Patrol, PatrolEvent, PatrolFinding, PatrolPoint
from .selectors import worker_grids
from .services import track_rebuild

DAYS = 7
LANES = 5  # lanes across the grid, one more each day, so coverage grows over the week
STEPS_PER_LANE = 20
SECONDS_PER_STEP = 30


def _lanes(grid, lanes):
    """Return points sweeping the grid's bounding box inset by a tenth, west–east then back, lane by lane."""
    west, south, east, north = grid.geom.extent
    inset_x, inset_y = (east - west) / 10, (north - south) / 10
    west, east, south, north = west + inset_x, east - inset_x, south + inset_y, north - inset_y
    points = []
    for lane in range(lanes):
        y = south + (north - south) * lane / max(lanes - 1, 1)
        xs = [west + (east - west) * step / (STEPS_PER_LANE - 1) for step in range(STEPS_PER_LANE)]
        points += [(x, y) for x in (xs if lane % 2 == 0 else reversed(xs))]
    return points


def _patrol(worker, grid, day, lanes):
    started = datetime.combine(day, time(9, 0), timezone.get_current_timezone())
    coordinates = [point for point in _lanes(grid, lanes) if grid.geom.contains(Point(*point, srid=4326))]
    ended = started + timedelta(seconds=SECONDS_PER_STEP * len(coordinates))
    patrol = Patrol.objects.create(worker=worker, grid=grid, area_code=grid.code, status=Patrol.Status.ENDED,
                                   started_at=started, ended_at=ended)
    PatrolEvent.objects.bulk_create([
        PatrolEvent(patrol=patrol, action="start", to_status=Patrol.Status.ACTIVE, actor=worker),
        PatrolEvent(patrol=patrol, action="end", from_status=Patrol.Status.ACTIVE, to_status=Patrol.Status.ENDED,
                    actor=worker),
    ])
    PatrolPoint.objects.bulk_create([
        PatrolPoint(patrol=patrol, seq=seq, location=Point(x, y, srid=4326), accuracy_m=8,
                    recorded_at=started + timedelta(seconds=SECONDS_PER_STEP * seq))
        for seq, (x, y) in enumerate(coordinates)
    ])
    track_rebuild(patrol_id=patrol.pk)
    middle = coordinates[len(coordinates) // 2]
    PatrolFinding.objects.create(patrol=patrol, kind=PatrolFinding.Kind.NOTHING_FOUND,
                                 location=Point(*middle, srid=4326), note="消防通道畅通")
    CheckIn.objects.create(worker=worker, grid=grid, area_code=grid.code, day=day, checked_in_at=started,
                           location=Point(*coordinates[0], srid=4326), accuracy_m=8)


@transaction.atomic
def demo_fieldwork_create():
    """Create the demo grid worker's week of field work unless they have patrols; return whether it was created."""
    worker = User.objects.filter(username="demo_gridworker").first()
    grid = worker_grids(worker=worker).first() if worker else None
    if grid is None or Patrol.objects.filter(worker=worker).exists():
        return False
    today = timezone.localdate()
    for days_ago in range(DAYS, 0, -1):  # yesterday last: today is left for the worker to patrol
        _patrol(worker, grid, today - timedelta(days=days_ago), lanes=LANES + DAYS - days_ago)
    return True
