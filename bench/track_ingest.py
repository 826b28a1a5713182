"""Benchmark of patrol tracks: GPS points stored per second, and the coverage figure over 20,000 grids.

Standalone (with DATABASE_URL, REDIS_URL and DJANGO_SECRET_KEY exported):

    DJANGO_SETTINGS_MODULE=govportal.settings.bench .venv/bin/python bench/track_ingest.py

It prepares its own database (govportal_bench_fieldwork by default, `--database` picks another) like
bench/locate.py: created if needed, migrated, a demo city of 20,000 grids seeded once. Then:

1. Ingest: PATROLS grid workers each walk a patrol of POINTS_PER_PATROL fixes, sent in batches of
   BATCH the way the phone sends them, through `services.patrol_points_add` and through
   `POST /api/v1/patrols/{id}/points/` in-process; every RESEND-th batch is sent a second time (a
   lost answer). The batches come in order, so each new one is appended to the patrol's track in
   PostGIS (a batch filling a gap would rebuild it) and one sent again changes nothing. Reported:
   points/s and per-batch latency; checked: every point stored exactly once.
2. Coverage: one patrol a grid in all 20,000 grids, its track three lanes across the grid with a
   vertex every 10 m (generated in SQL), then `selectors.grid_coverage` of the whole city for the
   day (buffer 25 m, union per grid, intersection with the grid, in its UTM zone), and of one street.

Targets: ingest ≥ 1,000 points/s through the service (one process, one connection): a city's
19,869 workers on patrol at once send about 1 point per 3 s each, ~6,600 points/s, which this
leaves to a few processes; the city-wide coverage figure < 60 s (a nightly or on-demand figure).
A benchmark reports, it does not gate: the exit status is 0 even when a target is missed.
"""

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govportal.settings.bench")

from bench import locate  # noqa: E402  (the database, the seeded city, the machine, the latency table)

PATROLS = 20
POINTS_PER_PATROL = 1_200  # an hour's walk at a fix every 3 s
BATCH = 50
RESEND = 10  # every tenth batch is sent twice
STEP_DEGREES = 0.00003  # ~3 m between fixes
TARGET_POINTS_PER_S = 1_000
TARGET_COVERAGE_S = 60.0
BENCH_USER = "bench_walker_{}"
VERTEX_METRES = 10


def walkers(count):
    """Return `count` grid-worker accounts, each a member of its own grid (made once, kept between runs)."""
    from accounts.models import HandlingUnit, User
    from grids.models import Area, GridMember

    grids = list(Area.objects.filter(level=Area.Level.GRID).order_by("code")[:count])
    accounts = []
    for n, grid in enumerate(grids):
        unit = HandlingUnit.objects.filter(area=grid.parent).first()
        user, _ = User.objects.get_or_create(username=BENCH_USER.format(n),
                                             defaults={"role": User.Role.GRID_WORKER, "unit": unit})
        GridMember.objects.get_or_create(grid=grid, user=user,
                                         defaults={"kind": GridMember.Kind.FULL_TIME_WORKER, "name": user.username})
        accounts.append((user, grid))
    return accounts


def clear_bench_patrols():
    """Delete the patrols earlier runs left (theirs only) in one statement per table."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE bench_patrol AS SELECT p.id FROM fieldwork_patrol p "
                       "JOIN accounts_user u ON u.id = p.worker_id WHERE u.username LIKE 'bench_walker_%%'")
        for table in ("fieldwork_patrolpoint", "fieldwork_patrolfinding", "fieldwork_patrolevent", "fieldwork_patrol"):
            column = "id" if table == "fieldwork_patrol" else "patrol_id"
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT id FROM bench_patrol)")
        cursor.execute("DROP TABLE bench_patrol")


def batches_of(grid, first_seq=0):
    """Return the patrol's fixes in batches: a walk eastwards from inside the grid's south-west, wrapping."""
    from django.utils import timezone

    from fieldwork.services import TrackPoint

    west, south, east, north = grid.geom.extent
    start = timezone.now() - timedelta(hours=1)
    points = []
    for seq in range(POINTS_PER_PATROL):
        lane, step = divmod(seq, 200)
        points.append(TrackPoint(seq=first_seq + seq, longitude=west + (east - west) * (0.1 + 0.004 * step),
                                 latitude=south + (north - south) * (0.1 + 0.1 * lane),
                                 recorded_at=start + timedelta(seconds=3 * seq), accuracy_m=8))
    return [points[i:i + BATCH] for i in range(0, len(points), BATCH)]


def ingest_service(accounts):
    """Send every patrol's batches through the service; return (latencies ns, points sent, seconds, patrols)."""
    from fieldwork import services

    latencies, sent, patrols = [], 0, []
    started = time.perf_counter()
    for user, grid in accounts:
        patrol = services.patrol_start(worker=user, grid=grid)
        patrols.append(patrol)
        for number, batch in enumerate(batches_of(grid)):
            for _ in range(2 if number % RESEND == RESEND - 1 else 1):
                t0 = time.perf_counter_ns()
                services.patrol_points_add(patrol_id=patrol.pk, worker=user, points=batch)
                latencies.append(time.perf_counter_ns() - t0)
                sent += len(batch)
        services.patrol_end(patrol_id=patrol.pk, actor=user)
    return latencies, sent, time.perf_counter() - started, patrols


def ingest_api(accounts):
    """Send every patrol's batches through POST /api/v1/patrols/{id}/points/ in-process; return as ingest_service."""
    from django.test import Client
    from django.urls import reverse

    from fieldwork import services

    latencies, sent, patrols = [], 0, []
    started = time.perf_counter()
    for user, grid in accounts:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        patrol = services.patrol_start(worker=user, grid=grid)
        patrols.append(patrol)
        url = reverse("api:patrol-points", args=[patrol.pk])
        for number, batch in enumerate(batches_of(grid)):
            body = {"points": [{"seq": p.seq, "lat": p.latitude, "lng": p.longitude, "accuracy": p.accuracy_m,
                                "recorded_at": p.recorded_at.isoformat()} for p in batch]}
            for _ in range(2 if number % RESEND == RESEND - 1 else 1):
                t0 = time.perf_counter_ns()
                response = client.post(url, body, content_type="application/json")
                latencies.append(time.perf_counter_ns() - t0)
                assert response.status_code == 200, response.content
                sent += len(batch)
        services.patrol_end(patrol_id=patrol.pk, actor=user)
    return latencies, sent, time.perf_counter() - started, patrols


def stored_exactly_once(patrols):
    """Return the problems: a patrol whose stored points are not exactly its 0…n-1 sequence numbers."""
    from fieldwork.models import PatrolPoint

    problems = []
    for patrol in patrols:
        seqs = list(PatrolPoint.objects.filter(patrol=patrol).order_by("seq").values_list("seq", flat=True))
        patrol.refresh_from_db()
        if seqs != list(range(POINTS_PER_PATROL)) or patrol.point_count != POINTS_PER_PATROL:
            problems.append(f"patrol {patrol.pk}: {len(seqs)} points stored, {len(set(seqs))} distinct")
    return problems


def city_of_tracks(worker):
    """Give every grid one ended patrol of today, its track three lanes across the grid, a vertex every
    VERTEX_METRES (set-based SQL); return (grids, seconds)."""
    from django.db import connection
    from django.utils import timezone

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO fieldwork_patrol (worker_id, grid_id, area_code, status, started_at, ended_at, track,
                                          distance_m, point_count)
            SELECT %(worker)s, g.id, g.code, 'ended', %(now)s, %(now)s + interval '1 hour', lanes.track,
                   ST_Length(lanes.track::geography), ST_NPoints(lanes.track)
              FROM grids_area g,
                   LATERAL (SELECT ST_XMin(g.geom) + (ST_XMax(g.geom) - ST_XMin(g.geom)) * 0.1 AS w,
                                   ST_XMax(g.geom) - (ST_XMax(g.geom) - ST_XMin(g.geom)) * 0.1 AS e,
                                   ST_YMin(g.geom) AS s, ST_YMax(g.geom) - ST_YMin(g.geom) AS h) box,
                   LATERAL (SELECT ST_Segmentize(ST_MakeLine(ARRAY[
                                ST_MakePoint(w, s + h * .25), ST_MakePoint(e, s + h * .25),
                                ST_MakePoint(e, s + h * .5), ST_MakePoint(w, s + h * .5),
                                ST_MakePoint(w, s + h * .75), ST_MakePoint(e, s + h * .75)])::geography,
                                %(vertex)s)::geometry AS track) lanes
             WHERE g.level = 'grid'
            """,
            {"worker": worker.pk, "now": timezone.now(), "vertex": VERTEX_METRES},
        )
        count = cursor.rowcount
        cursor.execute("ANALYZE fieldwork_patrol")
    return count, time.perf_counter() - started


def time_coverage(area):
    """Return (seconds, rows, mean share) of grid_coverage for `area` today."""
    from django.utils import timezone

    from fieldwork.selectors import grid_coverage
    from govportal.periods import Period

    today = timezone.localdate()
    started = time.perf_counter()
    rows = grid_coverage(area=area, period=Period(today, today))
    return time.perf_counter() - started, len(rows), sum(share for _c, _n, share in rows) / max(len(rows), 1)


def load_line(load):
    return " / ".join(f"{minutes:.2f}" for minutes in load)


def rate_line(label, latencies, sent, seconds):
    return f"- {label}: {sent:,} points in {seconds:.1f} s = **{sent / seconds:,.0f} points/s**"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="govportal_bench_fieldwork", help="database name")
    args = parser.parse_args()

    import django
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = args.database
    database = locate.ensure_database()
    django.setup()
    migrated, seeded = locate.migrate_and_seed()
    seeding = "already loaded" if seeded is None else f"seeded now in {seeded:.1f} s; migrations {migrated:.1f} s"

    from grids.models import Area

    load_at_start = os.getloadavg()
    clear_bench_patrols()
    accounts = walkers(PATROLS)
    service = ingest_service(accounts)
    problems = stored_exactly_once(service[3])
    clear_bench_patrols()
    api = ingest_api(accounts)
    problems += stored_exactly_once(api[3])
    clear_bench_patrols()
    grids, generated = city_of_tracks(accounts[0][0])
    city = Area.objects.get(level=Area.Level.CITY)
    street = Area.objects.filter(level=Area.Level.STREET).order_by("code").first()
    city_seconds, city_rows, city_share = time_coverage(city)
    street_seconds, street_rows, street_share = time_coverage(street)
    clear_bench_patrols()
    load_at_end = os.getloadavg()

    rate = service[1] / service[2]
    print(f"\n## Patrol tracks: ingestion and coverage — database {database}\n")
    for label, value in locate.machine().items():
        print(f"- {label}: {value}")
    print(f"- load average (1, 5, 15 min): {load_line(load_at_start)} at the start, {load_line(load_at_end)} at the end "
          f"(the machine is shared: a figure taken under load is pessimistic)")
    print(f"- dataset: {Area.objects.filter(level='grid').count()} grids from seed_demo ({seeding}); "
          f"{PATROLS} patrols × {POINTS_PER_PATROL} points in batches of {BATCH}, every {RESEND}th batch sent twice\n")
    print(locate.table([("batch through the service (patrol_points_add)", service[0]),
                        ("batch through the API in-process (django.test.Client)", api[0])]))
    print()
    print(rate_line("service", *service[:3]))
    print(rate_line("API in-process", *api[:3]))
    print(f"- stored exactly once: {'yes' if not problems else 'NO: ' + '; '.join(problems)}")
    print(f"- coverage: {grids:,} tracks generated in {generated:.1f} s; whole city ({city_rows:,} grids) "
          f"**{city_seconds:.2f} s**, mean share {city_share:.3f}; one street ({street_rows} grids) "
          f"{street_seconds * 1000:.0f} ms")
    print(f"\ningest ≥ {TARGET_POINTS_PER_S:,} points/s: {'PASS' if rate >= TARGET_POINTS_PER_S else 'FAIL'} "
          f"({rate:,.0f}); city coverage < {TARGET_COVERAGE_S:g} s: "
          f"{'PASS' if city_seconds < TARGET_COVERAGE_S else 'FAIL'} ({city_seconds:.2f} s)")


if __name__ == "__main__":
    main()
