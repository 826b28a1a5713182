"""Writes of field work: start and end a patrol, add its points, note findings, check in, purge old tracks."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from govportal.errors import DomainConflict
from incidents.models import Ticket
from incidents.services import ticket_create

from .models import CheckIn, Patrol, PatrolEvent, PatrolFinding, PatrolPoint
from .selectors import check_in_today, nearest_grid, worker_grids
from .workflow import OPEN_PATROL_SWEEP, PATROLS, PatrolInputError

NOT_A_WALKER = _("Only grid workers patrol and check in.")
NO_GRID = _("You are not a member of any grid: ask your community to add you to one.")
CHOOSE_GRID = _("Choose the grid you patrol.")
NOT_YOUR_GRID = _("You are not a member of this grid.")
ALREADY_ON_PATROL = _("You are on a patrol already: end it before starting another.")
PATROL_NOT_OPEN = _("This patrol has ended: start a new one to report from the way.")
OUTSIDE_GRID = _("You are %(distance)s m outside your grid %(grid)s: check in from inside it.")
POINT_IN_FUTURE = _("A point is dated in the future: check the phone's clock.")
# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class TrackPoint:
    """One fix sent by the phone."""

    seq: int
    longitude: float
    latitude: float
    recorded_at: datetime
    accuracy_m: float | None = None


def _walker_check(worker):
    if worker.role != User.Role.GRID_WORKER:
        raise PermissionDenied(NOT_A_WALKER)


def _grid_of(worker, grid):
    """Return the grid `worker` patrols: `grid` if they serve it, else their only grid."""
    grids = worker_grids(worker=worker)
    if grid is not None:
        if not grids.filter(pk=grid.pk).exists():
            raise PatrolInputError(NOT_YOUR_GRID, "grid")
        return grid
    found = list(grids[:2])
    if not found:
        raise PatrolInputError(NO_GRID, "grid")
    if len(found) > 1:
        raise PatrolInputError(CHOOSE_GRID, "grid")
    return found[0]


def patrol_start(*, worker, grid=None):
    """Start `worker`'s patrol of `grid` (their only grid when None) and return it.

    A worker has one open patrol at most (a partial unique index): a second start, even from a
    second phone at the same instant, is refused with a conflict.
    """
    _walker_check(worker)
    grid = _grid_of(worker, grid)
    try:
        with transaction.atomic():
            patrol = Patrol.objects.create(worker=worker, grid=grid, area_code=grid.code, started_at=timezone.now())
            PatrolEvent.objects.create(patrol=patrol, action="start", to_status=patrol.status, actor=worker)
    except IntegrityError:
        raise DomainConflict(ALREADY_ON_PATROL) from None
    return patrol


def patrol_end(*, patrol_id, actor):
    """End the patrol (its worker's move) and return it."""
    return PATROLS.apply(patrol_id, "end", actor=actor, change=_ended)


def _ended(patrol):
    patrol.ended_at = timezone.now()


def patrols_left_open_end(*, now=None):
    """End the patrols open for longer than FIELDWORK_PATROL_MAX_HOURS (the sweep); return how many.

    A page that stopped sending (a flat battery, a closed browser) leaves its patrol open; the
    points it did send stay, and a phone coming back later may still add what it kept.
    """
    cutoff = (now or timezone.now()) - timedelta(hours=settings.FIELDWORK_PATROL_MAX_HOURS)
    ended = 0
    for patrol_id in Patrol.objects.filter(status=Patrol.Status.ACTIVE, started_at__lt=cutoff).values_list(
            "pk", flat=True):
        PATROLS.apply(patrol_id, "end_left_open", actor=OPEN_PATROL_SWEEP, change=_ended,
                      reason=str(_("Left open too long.")))
        ended += 1
    return ended


def patrol_points_add(*, patrol_id, worker, points):
    """Store `points` (TrackPoints) of `worker`'s patrol and bring its track up to date; return the patrol
    (its track deferred: read it only where it is shown).

    A point whose sequence number is stored already is skipped (ON CONFLICT DO NOTHING): a batch
    sent again after a lost answer is stored once and leaves the track as it was. Points are taken
    after the end too — a phone that lost the network sends what it kept when it is back. The patrol
    row is locked first, so two batches of one patrol are stored one after the other and each sees
    the other's points.
    """
    latest = timezone.now() + CLOCK_SKEW
    if any(point.recorded_at > latest for point in points):
        raise PatrolInputError(POINT_IN_FUTURE, "points")
    with transaction.atomic():
        patrol = Patrol.objects.select_for_update().defer("track").get(pk=patrol_id)
        if patrol.worker_id != worker.pk:
            raise PermissionDenied(PATROLS.party_refusal(patrol, worker, "walker"))
        first_stored = _points_store(patrol_id=patrol.pk, points=points)
        if first_stored is not None:
            if _follows_track(patrol, first_stored):
                figures = track_append(patrol_id=patrol.pk, after_seq=patrol.last_seq)
            else:
                figures = track_rebuild(patrol_id=patrol.pk)
            patrol.distance_m, patrol.point_count, patrol.last_seq = figures
    return patrol


POINTS_INSERT_SQL = """
    WITH stored AS (
        INSERT INTO fieldwork_patrolpoint (patrol_id, seq, location, accuracy_m, recorded_at)
        SELECT %(patrol)s, fix.seq, ST_SetSRID(ST_MakePoint(fix.lng, fix.lat), 4326), fix.accuracy, fix.at
          FROM unnest(%(seq)s::bigint[], %(lng)s::float8[], %(lat)s::float8[], %(accuracy)s::float8[],
                      %(at)s::timestamptz[]) AS fix(seq, lng, lat, accuracy, at)
            ON CONFLICT (patrol_id, seq) DO NOTHING
        RETURNING seq
    )
    SELECT min(seq) FROM stored
"""


def _points_store(*, patrol_id, points):
    """Insert the points not stored yet in one statement; return the lowest sequence number stored now
    (None when every one was stored before)."""
    with connection.cursor() as cursor:
        cursor.execute(POINTS_INSERT_SQL, {
            "patrol": patrol_id, "seq": [point.seq for point in points],
            "lng": [point.longitude for point in points], "lat": [point.latitude for point in points],
            "accuracy": [point.accuracy_m for point in points], "at": [point.recorded_at for point in points],
        })
        return cursor.fetchone()[0]


def _follows_track(patrol, first_stored):
    """Return whether the points just stored all come after the track's last one, so that appending
    them gives the track a rebuild would. A batch that fills a gap (sent late by an offline phone)
    does not; nor does one added to a single point (no track yet to append to)."""
    return patrol.point_count >= 2 and patrol.last_seq is not None and first_stored > patrol.last_seq


# Both statements set the same four columns and return (distance_m, point_count, last_seq). A point
# repeated at the joint stays repeated: ST_MakeLine of a line and points keeps every point, as the
# rebuild does (ST_MakeLine of two lines would merge the end of one with the same start of the next).
TRACK_APPEND_SQL = """
    UPDATE fieldwork_patrol AS patrol
       SET track = ST_MakeLine(ARRAY[patrol.track] || added.points),
           distance_m = patrol.distance_m
                        + ST_Length(ST_MakeLine(ARRAY[ST_EndPoint(patrol.track)] || added.points)::geography),
           point_count = patrol.point_count + added.n,
           last_seq = added.last
      FROM (SELECT array_agg(location ORDER BY seq) AS points, count(*) AS n, max(seq) AS last
              FROM fieldwork_patrolpoint WHERE patrol_id = %(patrol)s AND seq > %(after)s) AS added
     WHERE patrol.id = %(patrol)s
 RETURNING patrol.distance_m, patrol.point_count, patrol.last_seq
"""

TRACK_REBUILD_SQL = """
    UPDATE fieldwork_patrol AS patrol
       SET track = points.line,
           distance_m = COALESCE(ST_Length(points.line::geography), 0),
           point_count = points.n,
           last_seq = points.last
      FROM (SELECT CASE WHEN count(*) >= 2 THEN ST_MakeLine(location ORDER BY seq) END AS line,
                   count(*) AS n, max(seq) AS last
              FROM fieldwork_patrolpoint WHERE patrol_id = %(patrol)s) AS points
     WHERE patrol.id = %(patrol)s
 RETURNING patrol.distance_m, patrol.point_count, patrol.last_seq
"""


def track_append(*, patrol_id, after_seq):
    """Append the points numbered after `after_seq` (the track's last) to the track, adding the length
    of their segments and of the one joining them to it; return (distance_m, point_count, last_seq).
    The caller holds the patrol's lock and knows every point after `after_seq` is not on the track yet."""
    with connection.cursor() as cursor:
        cursor.execute(TRACK_APPEND_SQL, {"patrol": patrol_id, "after": after_seq})
        return cursor.fetchone()


def track_rebuild(*, patrol_id):
    """Rebuild the patrol's track from all its points in sequence order, with its length, count and
    last number; return (distance_m, point_count, last_seq)."""
    with connection.cursor() as cursor:
        cursor.execute(TRACK_REBUILD_SQL, {"patrol": patrol_id})
        return cursor.fetchone()


def patrol_nothing_found(*, patrol_id, worker, location, note=""):
    """Note that `worker` found nothing wrong at `location` on their open patrol; return the finding."""
    with transaction.atomic():
        patrol = _open_patrol_of(worker, patrol_id)
        return PatrolFinding.objects.create(patrol=patrol, kind=PatrolFinding.Kind.NOTHING_FOUND,
                                            location=location, note=note)


def patrol_problem_report(*, patrol_id, worker, category, description, location, urgency=None,
                          idempotency_key=None):
    """Report a problem found on `worker`'s open patrol as a grid worker's work order linked to the
    patrol; return (finding, created). A retry with the same idempotency key gets the same finding."""
    with transaction.atomic():
        patrol = _open_patrol_of(worker, patrol_id)
        ticket, created = ticket_create(source=Ticket.Source.GRID_WORKER, category=category, urgency=urgency,
                                        description=description, location=location, reporter=worker,
                                        idempotency_key=idempotency_key)
        finding, created = PatrolFinding.objects.get_or_create(
            ticket=ticket, defaults={"patrol": patrol, "kind": PatrolFinding.Kind.PROBLEM, "location": location,
                                     "note": description[:200]})
    return finding, created


def _open_patrol_of(worker, patrol_id):
    patrol = Patrol.objects.select_for_update().get(pk=patrol_id)
    if patrol.worker_id != worker.pk:
        raise PermissionDenied(PATROLS.party_refusal(patrol, worker, "walker"))
    if patrol.status != Patrol.Status.ACTIVE:
        raise DomainConflict(PATROL_NOT_OPEN)
    return patrol


def check_in(*, worker, location, accuracy_m=None):
    """Check `worker` in for today where they stand; return (check_in, created).

    Allowed inside one of their grids or within FIELDWORK_CHECK_IN_TOLERANCE_M of it (a phone's fix
    near the edge may fall just outside); refused farther away, naming the distance. A second
    check-in the same day returns the first.
    """
    _walker_check(worker)
    today = timezone.localdate()
    existing = check_in_today(worker=worker, day=today)
    if existing is not None:
        return existing, False
    grid = nearest_grid(grids=worker_grids(worker=worker), point=location)
    if grid is None:
        raise PatrolInputError(NO_GRID, "location")
    if grid.gap.m > settings.FIELDWORK_CHECK_IN_TOLERANCE_M:
        raise PatrolInputError(OUTSIDE_GRID % {"distance": round(grid.gap.m), "grid": grid.name}, "location")
    try:
        with transaction.atomic():
            return CheckIn.objects.create(worker=worker, grid=grid, area_code=grid.code, day=today,
                                          checked_in_at=timezone.now(), location=location,
                                          accuracy_m=accuracy_m), True
    except IntegrityError:  # the same worker's second phone, at the same instant
        return check_in_today(worker=worker, day=today), False


def tracks_purge(*, now=None):
    """Delete the patrols (points, findings and events with them) started more than
    FIELDWORK_TRACK_RETENTION_DAYS ago, in a few set-based statements; return how many patrols.

    Tracks are personal data kept only as long as needed (PIPL); the work orders reported on the
    way stay (they are permanent), only their link to the patrol goes.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.FIELDWORK_TRACK_RETENTION_DAYS)
    with connection.cursor() as cursor:
        # One statement: every part sees the same expired patrols (the foreign keys are checked at its end).
        cursor.execute(
            """
            WITH expired AS (SELECT id FROM fieldwork_patrol WHERE started_at < %(cutoff)s),
                 points AS (DELETE FROM fieldwork_patrolpoint WHERE patrol_id IN (SELECT id FROM expired)),
                 findings AS (DELETE FROM fieldwork_patrolfinding WHERE patrol_id IN (SELECT id FROM expired)),
                 events AS (DELETE FROM fieldwork_patrolevent WHERE patrol_id IN (SELECT id FROM expired))
            DELETE FROM fieldwork_patrol WHERE id IN (SELECT id FROM expired)
            """,
            {"cutoff": cutoff},
        )
        return cursor.rowcount
