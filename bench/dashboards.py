"""Benchmark of the dashboards at city scale: every dashboard endpoint over N tickets (10,000,000 by default).

`make bench` runs it; standalone (with DATABASE_URL, REDIS_URL and DJANGO_SECRET_KEY exported):

    DJANGO_SETTINGS_MODULE=govportal.settings.bench .venv/bin/python bench/dashboards.py [--tickets N]

The ticket count also comes from DASHBOARD_BENCH_TICKETS; `--database` picks another database
than govportal_bench. It prepares the database like bench/locate.py (create, migrate, seed 20,000
grids once), then makes sure exactly N tickets numbered DASH1 … DASHN exist, generated once with
set-based SQL in batches and kept between runs: reported uniformly over the last 365 days in
random grids and minor categories; older than two weeks 90 % closed (two thirds of them rated:
70 % satisfied, 20 % basically, 10 % unsatisfied), 5 % rejected, 5 % still open; newer ones
half open; 8 % missed a deadline; 30 % held by a district department, the rest by the
community committee. The insert triggers record every batch and the same fold the beat task
runs (dashboards.services.rollups_fold) moves it into the rollups after each batch.

It then times, in-process through Django's test client with a session (server time: routing,
middleware, DRF, selectors, JSON), REQUESTS requests per endpoint spread over random areas of
every level (the city, districts, streets, communities, grids), with about 2,000 unfolded deltas
pending (so the live views' delta branch is exercised), and prints p50/p95/max per endpoint
against the 300 ms target, the plans of the two widest queries, and the cost the triggers add
to a 5,000-row escalation-like UPDATE (measured with the triggers on and off, rolled back).
A benchmark reports, it does not gate: the exit status is 0 even when the target is missed.
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import locate  # noqa: E402 - the shared database, seeding and machine helpers of the benchmarks

DEFAULT_TICKETS = 10_000_000
BATCH = 250_000  # rows per INSERT … SELECT transaction, each followed by a fold
REQUESTS = 60  # per endpoint
WARM_UP = 10
TARGET_P95_MS = 300.0
PENDING_DELTAS = 2_000  # tickets updated (not folded) before timing
SEED = 0.20261123
USERNAME = "bench_city_leader"  # a leader of the city's hotline centre: the whole city in scope
PLAN_LINES = 12

_BENCH = "number LIKE 'DASH%%'"
_GRIDS_SQL = """
    CREATE TEMP TABLE bench_grid ON COMMIT DROP AS
    SELECT row_number() OVER (ORDER BY g.code) - 1 AS i, g.id AS grid_id, c.id AS community_id,
           s.id AS street_id, d.id AS district_id, g.code, cc.id AS unit_id, so.id AS dispatcher_id,
           ST_PointOnSurface(g.geom) AS location,
           (SELECT array_agg(u.id) FROM accounts_handlingunit u WHERE u.area_id = d.id AND u.kind = 'department')
               AS departments
      FROM grids_area g
      JOIN grids_area c ON c.id = g.parent_id
      JOIN grids_area s ON s.id = c.parent_id
      JOIN grids_area d ON d.id = s.parent_id
      JOIN accounts_handlingunit cc ON cc.area_id = c.id AND cc.kind = 'community_committee'
      JOIN accounts_handlingunit so ON so.area_id = s.id AND so.kind = 'street_office'
     WHERE g.level = 'grid'
"""
# r1 picks the fate, r2 the rating, r3 the holder, r4 a missed deadline; age in days (0–365).
_INSERT_SQL = """
    INSERT INTO incidents_ticket (
        number, source, category_id, urgency, description, address, location, area_code, reporter_phone_encrypted,
        reporter_phone_masked, status, status_before_suspension, self_handled, sign_minutes, handle_minutes,
        verify_minutes,
        clock_time, due_at, due_kind, overdue_count, feedback, satisfaction, outside_own_grids, request_fingerprint,
        created_at, updated_at, closed_at, grid_id, community_id, street_id, district_id, handling_unit_id,
        dispatcher_unit_id)
    SELECT 'DASH' || n, (ARRAY['grid_worker', 'citizen', 'hotline', 'hotline', 'sensor'])[1 + floor(r2 * 5)::int],
           (%(categories)s::bigint[])[1 + floor(r5 * %(category_count)s)::int], 'ordinary', 'DASH ' || n, '',
           g.location, g.code, '', '', fate.status, '', false, 120, 1440, 480, false, NULL, '',
           (r4 < 0.08)::int, '', fate.satisfaction, false, '', created, COALESCE(fate.closed, created), fate.closed,
           g.grid_id, g.community_id, g.street_id, g.district_id,
           CASE WHEN r3 < 0.3 AND g.departments IS NOT NULL
                THEN g.departments[1 + floor(r3 / 0.3 * array_length(g.departments, 1))::int] ELSE g.unit_id END,
           g.dispatcher_id
      FROM (SELECT n, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5,
                   floor(random() * %(grids)s)::int AS i, now() - random() * interval '365 days' AS created
              FROM generate_series(%(first)s, %(last)s) AS n) AS pick
      JOIN bench_grid g ON g.i = pick.i
      CROSS JOIN LATERAL (
          SELECT CASE WHEN r1 < CASE WHEN created < now() - interval '14 days' THEN 0.90 ELSE 0.45 END
                      THEN CASE WHEN r2 < 0.667 THEN 'rated' ELSE 'closed' END
                      WHEN r1 < CASE WHEN created < now() - interval '14 days' THEN 0.95 ELSE 0.50 END THEN 'rejected'
                      ELSE (ARRAY['accepted', 'dispatched', 'signed', 'in_progress', 'handled', 'returned',
                                  'suspended', 'verified'])[1 + floor(r5 * 8)::int] END AS status) AS s
      CROSS JOIN LATERAL (
          SELECT s.status,
                 CASE WHEN s.status = 'rated' THEN CASE WHEN r2 < 0.47 THEN 'satisfied' WHEN r2 < 0.6
                      THEN 'basically' ELSE 'unsatisfied' END ELSE '' END AS satisfaction,
                 CASE WHEN s.status IN ('closed', 'rated', 'rejected')
                      THEN least(now(), created + (0.1 + r4 * 5) * interval '1 day') END AS closed) AS fate
"""


# --- dataset --------------------------------------------------------------------------------


def pending_deltas(cursor):
    cursor.execute("SELECT (SELECT count(*) FROM dashboards_flowdelta) + (SELECT count(*) FROM dashboards_statedelta)"
                   " + (SELECT count(*) FROM dashboards_unitdelta)")
    return cursor.fetchone()[0]


def prepare_dataset(tickets):
    """Make exactly `tickets` DASH tickets exist and fold everything; return what was done."""
    from django.db import connection, transaction

    from dashboards.services import rollups_fold
    from incidents.models import Category

    done = {"generated": None, "deleted": 0, "fold": 0.0}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM incidents_ticket WHERE {_BENCH}")
        existing = cursor.fetchone()[0]
        if existing not in (0, tickets):
            started = time.perf_counter()
            cursor.execute(f"SELECT max(id) FROM incidents_ticket WHERE {_BENCH}")
            top = cursor.fetchone()[0]
            for low in range(0, top + 1, BATCH):  # in batches: the delete trigger sees one batch at a time
                with transaction.atomic():
                    cursor.execute(f"DELETE FROM incidents_ticket WHERE {_BENCH} AND id >= %s AND id < %s",
                                   [low, low + BATCH])
                rollups_fold()
            done["deleted"] = existing
            done["delete_seconds"] = time.perf_counter() - started
            existing = 0
        if existing == 0:
            categories = list(Category.objects.filter(parent__isnull=False).values_list("pk", flat=True))
            params = {"categories": categories, "category_count": len(categories)}
            started = time.perf_counter()
            for first in range(1, tickets + 1, BATCH):
                with transaction.atomic():
                    cursor.execute("SELECT setseed(%s)", [SEED + first // BATCH / 1000])
                    cursor.execute(_GRIDS_SQL)
                    cursor.execute("SELECT count(*) FROM bench_grid")
                    params["grids"] = cursor.fetchone()[0]
                    cursor.execute(_INSERT_SQL, {**params, "first": first, "last": min(first + BATCH - 1, tickets)})
                fold_started = time.perf_counter()
                rollups_fold()
                done["fold"] += time.perf_counter() - fold_started
                print(f"  generated {min(first + BATCH - 1, tickets):,} / {tickets:,}", flush=True)
            done["generated"] = time.perf_counter() - started
        started = time.perf_counter()
        rollups_fold()
        done["final_fold"] = time.perf_counter() - started
        for table in ("incidents_ticket", "dashboards_dailyflow", "dashboards_areastatuscount",
                      "dashboards_unitdailyflow", "dashboards_gridmonth"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    return done


def make_pending_deltas(cursor):
    """Touch PENDING_DELTAS open tickets (as a sweep would) and leave the deltas unfolded; return seconds."""
    started = time.perf_counter()
    cursor.execute(f"""
        UPDATE incidents_ticket SET overdue_count = overdue_count + 1, updated_at = now()
         WHERE id IN (SELECT id FROM incidents_ticket WHERE {_BENCH} AND status = 'accepted'
                       LIMIT {PENDING_DELTAS})""")
    return time.perf_counter() - started


def trigger_overhead(cursor):
    """Time a 5,000-row escalation-like UPDATE with the triggers on and off (each rolled back); return ms."""
    from django.db import transaction

    statement = f"""
        UPDATE incidents_ticket SET overdue_count = overdue_count + 1, handling_unit_id = dispatcher_unit_id,
               status = 'accepted', updated_at = now()
         WHERE id IN (SELECT id FROM incidents_ticket WHERE {_BENCH} AND status IN ('accepted', 'signed', 'in_progress')
                       ORDER BY id LIMIT 5000)"""
    timings = {}
    for label, toggle in (("on", None), ("off", "DISABLE"), ("on again", None)):
        best = None
        for _ in range(3):
            with transaction.atomic():
                if toggle:
                    cursor.execute(f"ALTER TABLE incidents_ticket {toggle} TRIGGER USER")
                started = time.perf_counter()
                cursor.execute(statement)
                elapsed = (time.perf_counter() - started) * 1000
                transaction.set_rollback(True)
            best = elapsed if best is None else min(best, elapsed)
        timings[label] = best
    return timings


# --- timing ---------------------------------------------------------------------------------


def sample_areas(rng):
    """Return {level: [area codes]}: the city, up to 50 random areas of each other level."""
    from grids.models import Area

    areas = {}
    for level in Area.LEVEL_ORDER:
        codes = list(Area.objects.filter(level=level).values_list("code", flat=True))
        areas[level] = rng.sample(codes, min(50, len(codes)))
    return areas


def endpoints(areas):
    """Return [(name, function(rng) → path)] of every dashboard endpoint and page to time."""
    from django.urls import reverse
    from django.utils import timezone

    today = timezone.localdate()
    year = f"?start={today - timedelta(days=364)}&end={today}"

    def at(name, levels, query="", api=True):
        def path(rng):
            level = rng.choice(levels)
            code = rng.choice(areas[level])
            return reverse(f"api:dashboard-{name}" if api else name, args=[code]) + query
        return path

    every = ["city", "district", "street", "community", "grid"]
    return [
        ("summary (today, month, open now)", at("summary", every)),
        ("children (drill-down, month)", at("children", every)),
        ("trend (30 days)", at("trend", every, f"?start={today - timedelta(days=29)}&end={today}")),
        ("trend (365 days)", at("trend", every, year)),
        ("categories (month)", at("categories", every)),
        ("categories (365 days)", at("categories", every, year)),
        ("top grids (month)", at("top-grids", every)),
        ("map layers", at("map", ["district", "street", "community", "grid"])),
        ("map layers (city)", at("map", ["city"])),
        ("ranking (month)", at("ranking", ["city", "district"])),
        ("dashboard page", at("dashboard", every, api=False)),
        ("assessment page", at("assessment", ["city", "district"], api=False)),
    ]


def city_leader():
    """The benchmark's own leader, of the unit whose area is the city (the demo's leaders lead a street)."""
    from accounts.models import HandlingUnit, User

    centre = HandlingUnit.objects.get(kind=HandlingUnit.Kind.HOTLINE_CENTRE, area__parent__isnull=True)
    user, _ = User.objects.get_or_create(username=USERNAME, defaults={"role": User.Role.LEADER, "unit": centre})
    return user


def time_endpoints(rng, areas):
    from django.test import Client

    from accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(city_leader())
    rows = []
    for name, path in endpoints(areas):
        for _ in range(WARM_UP):
            client.get(path(rng))
        latencies, failures = [], 0
        for _ in range(REQUESTS):
            url = path(rng)
            started = time.perf_counter_ns()
            response = client.get(url)
            latencies.append(time.perf_counter_ns() - started)
            failures += response.status_code != 200
        rows.append((name, locate.stats(latencies), failures))
    return rows


def plans(cursor):
    """Return the EXPLAIN ANALYZE of the city's month totals and of the street ranking (the widest reads)."""
    from django.utils import timezone

    from dashboards.selectors import flow_rows
    from govportal.periods import Period
    from grids.models import Area
    from django.db.models import Q, Sum

    city = Area.objects.filter(level=Area.Level.CITY).first()
    period = Period.month_to_date(timezone.localdate())
    totals = flow_rows(Q(prefix=city.scope_prefix), period).values("category").annotate(n=Sum("reported"))
    streets = list(Area.objects.filter(level=Area.Level.STREET).values_list("code", flat=True))
    ranking = flow_rows(Q(prefix__in=streets), period).values("prefix").annotate(n=Sum("reported"))
    out = []
    for label, queryset in (("city totals this month", totals), ("street ranking this month", ranking)):
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        out.append((label, [row[0] for row in cursor.fetchall()]))
    return out


def table_sizes(cursor):
    cursor.execute("""
        SELECT relname, reltuples::bigint, pg_size_pretty(pg_total_relation_size(oid))
          FROM pg_class WHERE relname IN ('incidents_ticket', 'dashboards_dailyflow', 'dashboards_areastatuscount',
                                          'dashboards_unitdailyflow', 'dashboards_gridmonth') ORDER BY relname""")
    return cursor.fetchall()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int,
                        default=int(os.environ.get("DASHBOARD_BENCH_TICKETS", DEFAULT_TICKETS)))
    parser.add_argument("--database", help="database name (default: the bench settings', govportal_bench)")
    args = parser.parse_args()

    import django
    from django.conf import settings

    if args.database:
        settings.DATABASES["default"]["NAME"] = args.database
    # Pages are timed without `collectstatic` having run: plain static URLs instead of the manifest's.
    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    database = locate.ensure_database()
    django.setup()
    migrated, seeded = locate.migrate_and_seed()
    seeding = "already loaded" if seeded is None else f"seeded now in {seeded:.1f} s; migrations {migrated:.1f} s"

    from django.db import connection, transaction

    from dashboards.services import rollups_fold

    done = prepare_dataset(args.tickets)
    rng = random.Random(20261123)
    areas = sample_areas(rng)
    with connection.cursor() as cursor:
        overhead = trigger_overhead(cursor)
        with transaction.atomic():
            touch = make_pending_deltas(cursor)
        pending = pending_deltas(cursor)
        sizes = table_sizes(cursor)
    rows = time_endpoints(rng, areas)
    with connection.cursor() as cursor:
        explained = plans(cursor)
    started = time.perf_counter()
    rollups_fold()
    last_fold = time.perf_counter() - started

    print(f"\n## Dashboards ({args.tickets:,} tickets) — database {database}\n")
    for label, value in locate.machine().items():
        print(f"- {label}: {value}")
    print(f"- demo city: {locate.GRIDS} grids ({seeding})")
    if done["generated"] is not None:
        print(f"- dataset: generated now in {done['generated']:.0f} s, of which folds {done['fold']:.1f} s "
              f"(batches of {BATCH:,}, each folded at once)")
    else:
        print("- dataset: already there, generation skipped")
    if done["deleted"]:
        print(f"- {done['deleted']:,} DASH tickets of another count deleted first ({done['delete_seconds']:.0f} s)")
    print("- sizes: " + "; ".join(f"{name} {rows_:,} rows {size}" for name, rows_, size in sizes))
    print(f"- unfolded delta rows while timing: {pending:,} (from {PENDING_DELTAS:,} tickets updated in "
          f"{touch * 1000:.0f} ms); folding them afterwards took {last_fold * 1000:.0f} ms")
    print(f"- in-process (django.test.Client, session of {USERNAME}), {REQUESTS} requests per endpoint after "
          f"{WARM_UP} warm-up, random areas of the levels named\n")
    print("| endpoint | n | p50 ms | p95 ms | max ms | errors | p95 < 300 ms |")
    print("|---|--:|--:|--:|--:|--:|---|")
    for name, stat, failures in rows:
        verdict = "PASS" if stat["p95"] < TARGET_P95_MS and not failures else "FAIL"
        print(f"| {name} | {stat['n']} | {stat['p50']:.1f} | {stat['p95']:.1f} | {stat['max']:.1f} | {failures} | "
              f"{verdict} |")
    worst = max(stat["p95"] for _, stat, _ in rows)
    print(f"\nworst p95 {worst:.1f} ms: {'PASS' if worst < TARGET_P95_MS else 'FAIL'}")
    print("\nwrite path: a 5,000-row escalation-like UPDATE (best of 3, rolled back): "
          + ", ".join(f"triggers {label} {ms:.0f} ms" for label, ms in overhead.items()))
    for label, plan in explained:
        print(f"\nplan of the {label} (EXPLAIN ANALYZE, BUFFERS), abridged:\n")
        shown = plan[:PLAN_LINES] + [line for line in plan[PLAN_LINES:] if line.startswith(("Planning", "Execution"))]
        print("\n".join(f"    {line if len(line) <= 160 else line[:157] + '…'}" for line in shown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
