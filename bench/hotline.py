"""Benchmark of the hotline's intake hints over 1,000,000 tickets: duplicate candidates and category suggestion.

`make bench` runs it; standalone (with DATABASE_URL, REDIS_URL and DJANGO_SECRET_KEY exported):

    DJANGO_SETTINGS_MODULE=govportal.settings.bench .venv/bin/python bench/hotline.py

It prepares govportal_bench like bench/locate.py (create, migrate, seed 20,000 grids once) and
reuses the 1,000,000 open tickets BENCH1 … BENCH1000000 of bench/escalation.py, generating them
with its set-based SQL if they are missing (about 65 s). All of them are open and of one
category (0102), so every lookup in that category is the worst case: each grid holds about 50
of them at one point, and a 200 m circle reaches several grids. The time window is anchored at
the newest bench ticket, so that a dataset generated days ago still counts as "recent".

Timed, after WARM_UP calls each, one process and one connection:
- hotline.selectors.duplicate_candidates() for SAMPLES points near random bench tickets
  (jittered up to ±150 m), as the hotline operator (city scope);
- hotline.selectors.category_suggest() for SAMPLES call texts;
- the hints API in-process (Django test Client, session), which runs both plus the caller's
  history and the knowledge search, for API_REQUESTS requests.
Target: p95 < 50 ms for duplicate lookup and for category suggestion. It prints a markdown
report with the plan of one duplicate query and the size of the narrow table whose GiST index it
uses (hotline.models.TicketPlace; the ticket table gets no index of the hotline's).
A benchmark reports, it does not gate: the exit status is 0 even when the target is missed.
"""

import random
import re
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import escalation  # noqa: E402 - the 1 M bench tickets
import locate  # noqa: E402 - the shared database, seeding and machine helpers of the benchmarks

SAMPLES = 2_000
WARM_UP = 200
API_REQUESTS = 500
SEED = 20_261_123
JITTER_DEGREES = 0.0014  # ≈ ±150 m
TARGET_P95_MS = 50.0
OPERATOR = "demo_operator"
PLAN_LINES = 16
TEXTS = [
    "小区门口路灯不亮好几天了，晚上很黑",
    "楼道里堆放了很多杂物，影响通行",
    "楼下烧烤店油烟很大，还有噪音扰民",
    "路面有个大坑洼，电动车差点摔倒",
    "邻居装修把我家天花板弄漏水了",
    "工地晚上施工噪声太大睡不着",
    "菜市场门口有人占道摆摊",
    "想咨询居住证怎么办理",
    "公司拖欠工资三个月了",
    "小区电动车在楼道里飞线充电很危险",
]


def ensure_tickets():
    """Return (count of bench tickets, seconds spent generating them, or None when they were there)."""
    from django.db import connection

    with connection.cursor() as cursor:
        state = escalation.dataset_state(cursor)
        if state["total"] == escalation.TICKETS:
            return state["total"], None
        if state["total"]:
            sys.exit(f"error: {state['total']} bench tickets instead of {escalation.TICKETS}; run bench/escalation.py "
                     "first, which rebuilds them.")
        seconds = escalation.generate(cursor)
        escalation.compact(cursor)
        return escalation.TICKETS, seconds


def sample_points(rng):
    """Return SAMPLES points near random bench tickets (their grids' points, jittered)."""
    from django.contrib.gis.geos import Point
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_X(location), ST_Y(location) FROM incidents_ticket WHERE number = ANY(%s)",
                       [[f"BENCH{rng.randint(1, escalation.TICKETS)}" for _ in range(SAMPLES)]])
        places = cursor.fetchall()
    return [Point(x + rng.uniform(-JITTER_DEGREES, JITTER_DEGREES), y + rng.uniform(-JITTER_DEGREES, JITTER_DEGREES),
                  srid=4326) for x, y in places]


def time_calls(call, items):
    latencies = []
    results = []
    for item in items:
        start = time.perf_counter_ns()
        results.append(call(item))
        latencies.append(time.perf_counter_ns() - start)
    return latencies, results


def duplicate_plan(user, category, point, now):
    """Return the EXPLAIN (ANALYZE, BUFFERS) lines of the duplicate query for `point`."""
    from django.db import connection

    from hotline.selectors import duplicate_candidates

    sent = []

    def record(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        duplicate_candidates(user=user, category=category, point=point, now=now)
    sql, params = next((sql, params) for sql, params in sent if "hotline_ticketplace" in sql)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return [row[0] for row in cursor.fetchall()]


def index_sizes():
    """Return the sizes of hotline_ticketplace (rows, heap + indexes) and of the ticket table's indexes."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""SELECT (SELECT count(*) FROM hotline_ticketplace),
                                 pg_size_pretty(pg_table_size('hotline_ticketplace')),
                                 pg_size_pretty(pg_indexes_size('hotline_ticketplace')),
                                 pg_size_pretty(pg_indexes_size('incidents_ticket')),
                                 (SELECT count(*) FROM pg_indexes WHERE tablename = 'incidents_ticket')""")
        return cursor.fetchone()


def main():
    import django

    database = locate.ensure_database()
    django.setup()
    migrated, seeded = locate.migrate_and_seed()
    seeding = "already loaded" if seeded is None else f"seeded now in {seeded:.1f} s; migrations {migrated:.1f} s"

    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from hotline.selectors import category_suggest, duplicate_candidates
    from incidents.models import Category

    total, generated = ensure_tickets()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE incidents_ticket")
        cursor.execute("SELECT max(created_at) FROM incidents_ticket WHERE number LIKE 'BENCH%%'", [])
        now = cursor.fetchone()[0] + timedelta(minutes=1)
    rng = random.Random(SEED)
    points = sample_points(rng)
    texts = [rng.choice(TEXTS) for _ in range(SAMPLES)]
    user = User.objects.get(username=OPERATOR)
    category = Category.objects.get(code=escalation.CATEGORY)

    def duplicates(point):
        return len(duplicate_candidates(user=user, category=category, point=point, now=now))

    def suggest(text):
        return len(category_suggest(content=text))

    time_calls(duplicates, points[:WARM_UP])
    duplicate_ns, found = time_calls(duplicates, points)
    time_calls(suggest, texts[:WARM_UP])
    suggest_ns, suggested = time_calls(suggest, texts)

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)

    def hints(i):
        point = points[i % len(points)]
        response = client.post("/api/v1/hotline/hints/", {
            "phone": f"138{i % 10_000:08d}", "content": texts[i % len(texts)], "category": escalation.CATEGORY,
            "lat": point.y, "lng": point.x}, content_type="application/json")
        assert response.status_code == 200, response.content[:300]
        return len(response.json()["duplicates"])

    time_calls(hints, range(50))
    api_ns, _ = time_calls(hints, range(API_REQUESTS))
    plan = duplicate_plan(user, category, points[0], now)
    places, place_heap, place_indexes, ticket_indexes, index_count = index_sizes()

    rows = [("duplicate_candidates() (200 m, 7 days, same category, open)", duplicate_ns),
            ("category_suggest()", suggest_ns),
            ("hints API in-process (both + caller history + knowledge search)", api_ns)]
    verdicts = {label: locate.stats(ns)["p95"] < TARGET_P95_MS for label, ns in rows[:2]}
    dataset = "already there" if generated is None else f"generated now in {generated:.1f} s"

    print(f"\n## Hotline intake hints (1 M open tickets) — database {database}\n")
    for label, value in locate.machine().items():
        print(f"- {label}: {value}")
    print(f"- demo city: {locate.GRIDS} grids ({seeding})")
    print(f"- dataset: {total:,} open tickets of category {escalation.CATEGORY} ({dataset}); the search's "
          f"hotline_ticketplace: {places:,} rows, {place_heap} heap + {place_indexes} indexes (GiST on the "
          f"location); incidents_ticket keeps {index_count} indexes ({ticket_indexes}), none of them the hotline's")
    print(f"- {SAMPLES:,} points within ±150 m of random bench tickets; candidates found per lookup: "
          f"mean {sum(found) / len(found):.1f}, max {max(found)} (limit 10), none for "
          f"{sum(1 for n in found if n == 0)}")
    print(f"- {SAMPLES:,} call texts from {len(TEXTS)} phrasings; suggestions per text: mean "
          f"{sum(suggested) / len(suggested):.1f}\n")
    print(locate.table(rows))
    print()
    for label, passed in verdicts.items():
        print(f"- p95 < {TARGET_P95_MS:g} ms, {label}: {'PASS' if passed else 'FAIL'}")
    used = sorted(set(re.findall(r"(?:Index|Bitmap Index) (?:Only )?Scan (?:Backward )?(?:using|on) (\w+)",
                                 "\n".join(plan))))
    print("\nplan of one duplicate lookup (EXPLAIN ANALYZE, BUFFERS), abridged:\n")
    shown = plan[:PLAN_LINES] + [line for line in plan[PLAN_LINES:]
                                 if line.startswith(("Planning Time", "Execution Time"))]
    print("\n".join(f"    {line}" for line in shown))
    print(f"\nindexes used: {', '.join(used) or 'none (sequential scan)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
