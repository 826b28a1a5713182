"""Benchmark of point → grid: the selector grid_locate(), the locate API in-process and over HTTP.

`make bench` runs it; standalone (with DATABASE_URL, REDIS_URL and DJANGO_SECRET_KEY exported):

    DJANGO_SETTINGS_MODULE=govportal.settings.bench .venv/bin/python bench/locate.py

It creates the database govportal_bench if needed, migrates it, seeds a demo city of 20,000 grids
once (seed_demo is idempotent), then times 10,000 deterministic points (most inside grids, the
rest exactly on shared vertices and on shared edges) and prints a markdown report: the latency
table, the target (selector p99 < 2 ms), the machine and the plan of one locate query.
A benchmark reports, it does not gate: the exit status is 0 even when the target is missed.
"""

import http.client
import json
import os
import platform
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govportal.settings.bench")

GRIDS = 20_000
POINTS = 10_000
VERTEX_SHARE = 0.10  # points exactly on a grid's first vertex (shared by up to 4 grids)
EDGE_SHARE = 0.10  # points at the midpoint of an edge shared by two grids
WARM_UP = 500
API_REQUESTS = 3_000
SEED = 20_261_123
TARGET_P99_MS = 2.0
USERNAME = "demo_coordinator"  # any authenticated user may locate; the scope plays no part
PASSWORD = "Demo-2026!"
GUNICORN_WORKERS = 2
PLAN_LINES = 8


# --- database -------------------------------------------------------------------------------


def ensure_database():
    """Create the benchmark database with PostGIS unless it exists; return its name."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    connect = {
        "host": db.get("HOST") or "127.0.0.1",
        "port": int(db.get("PORT") or 5432),
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "autocommit": True,
    }
    with psycopg.connect(dbname="postgres", **connect) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone() is None:
            print(f"creating database {db['NAME']}")
            conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(db["NAME"])))
    with psycopg.connect(dbname=db["NAME"], **connect) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    return db["NAME"]


def migrate_and_seed():
    """Migrate, then load the demo city of GRIDS grids once.

    Return (migrate seconds, seed seconds or None when the city was already loaded).
    """
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from grids.demo import demo_city_exists

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - started
    existing = demo_city_exists()
    if existing is not None and existing != GRIDS:
        name = settings.DATABASES["default"]["NAME"]
        sys.exit(
            f"error: database {name} holds a demo city of {existing} grids; this benchmark needs {GRIDS}. "
            f"Drop it (DROP DATABASE {name}) and run the benchmark again."
        )
    if existing == GRIDS:
        call_command("seed_demo", grids=GRIDS, verbosity=0)  # idempotent: nothing to do
        return migrated, None
    started = time.perf_counter()
    call_command("seed_demo", grids=GRIDS, history_days=0)  # the lookups need no work orders
    seeded = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh bulk load: give the planner statistics before timing
    return migrated, seeded


# --- sample points --------------------------------------------------------------------------


class Sample:
    """A point to locate, its kind and the grid codes it may resolve to (`expected`)."""

    __slots__ = ("point", "kind", "expected")

    def __init__(self, point, kind, expected):
        self.point, self.kind, self.expected = point, kind, expected


def sample_points(rng):
    """Return POINTS deterministic samples, shuffled: inside grids, on shared vertices and edges.

    Inside: a random grid, a uniform point of its bounding box kept if the grid contains it.
    Vertex: the first vertex of a random grid's exterior ring; the selector must answer the
    sharing grid with the lowest code. Edge: the midpoint of an edge shared by two grids; the
    rounded midpoint may lie a hair to either side, so either grid is right.
    """
    from django.contrib.gis.geos import Point

    from grids.models import Area

    grids = list(Area.objects.filter(level=Area.Level.GRID).order_by("code").values_list("code", "geom"))
    vertex_grids, edge_grids = {}, {}
    for code, geom in grids:
        for polygon in geom:
            ring = polygon.exterior_ring.coords
            for start, end in zip(ring, ring[1:]):
                vertex_grids.setdefault(start, set()).add(code)
                edge_grids.setdefault(tuple(sorted((start, end))), set()).add(code)
    shared_edges = [(edge, codes) for edge, codes in edge_grids.items() if len(codes) == 2]

    vertex_count = round(POINTS * VERTEX_SHARE)
    edge_count = round(POINTS * EDGE_SHARE)
    samples = []
    for _ in range(POINTS - vertex_count - edge_count):
        code, geom = rng.choice(grids)
        west, south, east, north = geom.extent
        while True:
            point = Point(rng.uniform(west, east), rng.uniform(south, north), srid=4326)
            if geom.contains(point):
                break
        samples.append(Sample(point, "inside", {code}))
    for _ in range(vertex_count):
        code, geom = rng.choice(grids)
        vertex = geom[0].exterior_ring.coords[0]
        samples.append(Sample(Point(vertex, srid=4326), "vertex", {min(vertex_grids[vertex])}))
    for _ in range(edge_count):
        ((x1, y1), (x2, y2)), codes = rng.choice(shared_edges)
        samples.append(Sample(Point((x1 + x2) / 2, (y1 + y2) / 2, srid=4326), "edge", codes))
    rng.shuffle(samples)
    return samples


# --- timing ---------------------------------------------------------------------------------


def time_calls(call, samples):
    """Call `call(sample)` for each sample; return (latencies in ns, results, wall time in s)."""
    clock = time.perf_counter_ns
    latencies, results = [], []
    wall = clock()
    for sample in samples:
        start = clock()
        result = call(sample)
        latencies.append(clock() - start)
        results.append(result)
    return latencies, results, (clock() - wall) / 1e9


def stats(latencies_ns):
    """Return n, p50, p95, p99, max, mean in ms (nearest-rank percentiles)."""
    ordered = sorted(latencies_ns)
    n = len(ordered)

    def rank(q):
        return ordered[max(0, min(n - 1, -(-q * n // 100) - 1))] / 1e6

    return {"n": n, "p50": rank(50), "p95": rank(95), "p99": rank(99), "max": ordered[-1] / 1e6,
            "mean": sum(ordered) / n / 1e6}


def check(samples, codes, label):
    """Return a list of messages for samples resolved to no grid or to a wrong one."""
    missed = [s for s, code in zip(samples, codes) if code is None]
    wrong = [(s, code) for s, code in zip(samples, codes) if code is not None and code not in s.expected]
    problems = []
    if missed:
        kinds = sorted({s.kind for s in missed})
        problems.append(f"{label}: {len(missed)} points resolved to no grid ({', '.join(kinds)}), "
                        f"e.g. {missed[0].point.wkt}")
    if wrong:
        sample, code = wrong[0]
        problems.append(f"{label}: {len(wrong)} points resolved to a wrong grid, e.g. {sample.point.wkt} "
                        f"({sample.kind}) → {code}, expected {sorted(sample.expected)}")
    return problems


# --- the three measurements ---------------------------------------------------------------


def bench_selector(samples):
    from grids.selectors import PointOutsideGrids, grid_locate

    def call(sample):
        try:
            return grid_locate(sample.point).grid.code
        except PointOutsideGrids:
            return None

    time_calls(call, samples[:WARM_UP])
    latencies, codes, wall = time_calls(call, samples)
    return latencies, codes, len(samples) / wall


def bench_in_process(samples):
    """The locate API through Django's test Client: URL routing, middleware, DRF, JSON; no socket.

    Return {auth: (latencies, codes)} for a session login (force_login) and for the token an
    HTTP client uses: a session costs three more queries per request (load, user, save: the
    settings save the session on every request), so only the token row compares with HTTP.
    """
    from django.test import Client

    from accounts.models import User

    session = Client(HTTP_HOST="127.0.0.1")
    session.force_login(User.objects.get(username=USERNAME))
    response = Client(HTTP_HOST="127.0.0.1").post(
        "/api/v1/auth/token/", {"username": USERNAME, "password": PASSWORD}, content_type="application/json"
    )
    if response.status_code != 200:
        raise RuntimeError(f"token request answered {response.status_code}: {response.content[:300]!r}")
    token = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {response.json()['token']}")

    rows = {}
    for auth, client in (("session", session), ("token", token)):
        def call(sample, client=client):
            response = client.get("/api/v1/locate", {"lat": repr(sample.point.y), "lng": repr(sample.point.x)})
            return response.json()["grid"]["code"] if response.status_code == 200 else None

        time_calls(call, samples[:WARM_UP])
        latencies, codes, _ = time_calls(call, samples[:API_REQUESTS])
        rows[auth] = (latencies, codes)
    return rows


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port, log):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "govportal.settings.bench", "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    command = [str(ROOT / ".venv/bin/gunicorn"), "govportal.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", str(GUNICORN_WORKERS)]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_until_answering(server, port, log, timeout=60):
    """Return once the server answers an HTTP request; fail if it exits or the timeout passes."""
    deadline = time.monotonic() + timeout
    while True:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}:\n{tail(log)}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/v1/locate", headers={"Host": "127.0.0.1"})
            connection.getresponse().read()  # 401: up, and the app is loaded
            connection.close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer on port {port} in {timeout} s:\n{tail(log)}") from None
            time.sleep(0.2)


def tail(log):
    log.flush()
    log.seek(0)
    return "\n".join(log.read().decode(errors="replace").splitlines()[-20:])


def bench_http(samples):
    """The locate API over loopback HTTP against gunicorn; one client, sequential, one connection.

    Returns (latencies, codes, reconnects): http.client reopens the connection by itself when
    the server answers `Connection: close` (gunicorn's sync worker does), counted in reconnects.
    """
    port = free_port()
    with tempfile.TemporaryFile() as log:
        server = start_gunicorn(port, log)
        try:
            wait_until_answering(server, port, log)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            body = json.dumps({"username": USERNAME, "password": PASSWORD})
            connection.request("POST", "/api/v1/auth/token/", body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            payload = response.read()
            if response.status != 200:
                raise RuntimeError(f"token request answered {response.status}: {payload[:300]!r}")
            headers = {"Authorization": f"Token {json.loads(payload)['token']}", "Host": "127.0.0.1"}
            reconnects = 0

            def call(sample):
                nonlocal reconnects
                reconnects += connection.sock is None
                connection.request("GET", f"/api/v1/locate?lat={sample.point.y!r}&lng={sample.point.x!r}",
                                   headers=headers)
                response = connection.getresponse()
                payload = response.read()
                return json.loads(payload)["grid"]["code"] if response.status == 200 else None

            time_calls(call, samples[:WARM_UP])
            reconnects = 0
            latencies, codes, _ = time_calls(call, samples[:API_REQUESTS])
            connection.close()
            return latencies, codes, reconnects
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


# --- plan and machine -------------------------------------------------------------------


def query_plan(point):
    """Return the EXPLAIN (ANALYZE, BUFFERS) lines of the query grid_locate() sends for `point`."""
    from django.db import connection

    from grids.selectors import grid_locate

    sent = []

    def record(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        grid_locate(point)
    sql, params = next((sql, params) for sql, params in sent if "grids_area" in sql)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return [row[0] for row in cursor.fetchall()]


def plan_summary(plan):
    """Return the plan's first lines, the node that finds the grid (the spatial scan), the timings."""
    lines = plan[:PLAN_LINES]
    spatial = next((i for i, line in enumerate(plan) if "&&" in line or "st_intersects" in line), None)
    if spatial is not None:
        node = next((i for i in range(spatial, -1, -1) if "Scan" in plan[i]), spatial)
        start = max(node, PLAN_LINES)
        end = next((i for i in range(spatial + 1, len(plan)) if "->" in plan[i] or not plan[i].startswith(" ")),
                   len(plan))
        lines += ["    ..."] * (start > PLAN_LINES) + plan[start:end]
    return lines + [line for line in plan if line.startswith(("Planning Time", "Execution Time"))]


def machine():
    """Return {label: value} describing this machine and its database server."""
    from django.db import connection

    cpuinfo = Path("/proc/cpuinfo").read_text()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
               platform.processor() or "unknown")
    meminfo = Path("/proc/meminfo").read_text()
    memory_kib = int(re.search(r"^MemTotal:\s+(\d+)", meminfo, re.M).group(1))
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        postgres = cursor.fetchone()[0].split(",")[0]
        cursor.execute("SELECT postgis_full_version()")
        full = cursor.fetchone()[0]
    postgis = {key: value.split()[0] for key, value in re.findall(r'(\w+)="([^"]*)"', full)}
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cores (nproc)": str(len(os.sched_getaffinity(0))),
        "CPU": cpu,
        "RAM": f"{memory_kib / 2**20:.1f} GiB",
        "PostgreSQL": postgres,
        "PostGIS": ", ".join(f"{key} {postgis[key]}" for key in ("POSTGIS", "GEOS", "PROJ") if key in postgis),
        "Python": platform.python_version(),
    }


# --- report ---------------------------------------------------------------------------------


def table(rows):
    lines = ["| measurement | n | p50 ms | p95 ms | p99 ms | max ms | mean ms |",
             "|---|--:|--:|--:|--:|--:|--:|"]
    for label, latencies in rows:
        s = stats(latencies)
        lines.append(f"| {label} | {s['n']} | {s['p50']:.3f} | {s['p95']:.3f} | {s['p99']:.3f} | "
                     f"{s['max']:.3f} | {s['mean']:.3f} |")
    return "\n".join(lines)


def main():
    import django

    database = ensure_database()
    django.setup()
    migrated, seeded = migrate_and_seed()
    seeding = "already loaded" if seeded is None else f"seeded now in {seeded:.1f} s; migrations {migrated:.1f} s"

    samples = sample_points(random.Random(SEED))
    kinds = {kind: sum(s.kind == kind for s in samples) for kind in ("inside", "vertex", "edge")}

    selector, selector_codes, rate = bench_selector(samples)
    in_process = bench_in_process(samples)
    over_http, http_codes, reconnects = bench_http(samples)
    problems = (check(samples, selector_codes, "selector")
                + check(samples, in_process["session"][1], "API in-process, session")
                + check(samples, in_process["token"][1], "API in-process, token")
                + check(samples, http_codes, "API over HTTP"))
    plan = query_plan(next(s.point for s in samples if s.kind == "inside"))
    p99 = stats(selector)["p99"]

    print(f"\n## Locate (point → grid) — database {database}\n")
    for label, value in machine().items():
        print(f"- {label}: {value}")
    print(f"- dataset: {GRIDS} grids from seed_demo ({seeding}); {len(samples)} sample points "
          f"(seed {SEED}): {kinds['inside']} inside grids, {kinds['vertex']} on grid vertices, "
          f"{kinds['edge']} on shared edges")
    print(f"- selector: {len(samples)} calls after {WARM_UP} warm-up calls; API: {API_REQUESTS} sequential "
          f"requests each after {WARM_UP} warm-up requests, one client; HTTP: loopback, client-side time, "
          f"{reconnects} of {API_REQUESTS} requests opened a new connection (the server closed the last)\n")
    print(table([
        ("selector grid_locate()", selector),
        ("API in-process (django.test.Client, session login)", in_process["session"][0]),
        ("API in-process (django.test.Client, token)", in_process["token"][0]),
        (f"API over HTTP (gunicorn, {GUNICORN_WORKERS} workers, token)", over_http),
    ]))
    print(f"\nselector throughput: {rate:,.0f} calls/s (one process, one database connection)")
    print(f"\nselector p99 < {TARGET_P99_MS:g} ms: {'PASS' if p99 < TARGET_P99_MS else 'FAIL'} "
          f"(p99 = {p99:.3f} ms)")
    if problems:
        print("\nWRONG ANSWERS:")
        for problem in problems:
            print(f"- {problem}")
    else:
        print(f"\nanswers: all {len(samples)} selector and {3 * API_REQUESTS} API answers resolved to the "
              "expected grid (the lowest code on shared vertices)")

    used = sorted(set(re.findall(r"Index (?:Only )?Scan (?:using|on) (\w+)", "\n".join(plan))))
    print("\nplan of one locate query (EXPLAIN ANALYZE, BUFFERS), abridged:\n")
    print("\n".join(f"    {line}" for line in plan_summary(plan)))
    verdict = "yes" if "area_grid_geom_idx" in used else "NO"
    print(f"\nindexes used: {', '.join(used) or 'none (sequential scan)'}; "
          f"partial GiST index area_grid_geom_idx used: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
