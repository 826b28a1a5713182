"""Shared start of every benchmark: the govportal_bench database, migrated and seeded."""

import os
import platform
import subprocess
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govportal.settings.bench")


def ensure_database():
    """Create the benchmark database with PostGIS if it does not exist, then set Django up."""
    import django
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    with psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"] or None,
                         dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')
    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS postgis")


def seed(grids):
    """Migrate and load a demo city of `grids` grids; refuse a database holding another size."""
    from django.core.management import call_command

    from grids.demo import demo_city_exists

    call_command("migrate", verbosity=0)
    existing = demo_city_exists()
    if existing is not None and existing != grids:
        sys.exit(f"govportal_bench holds a city of {existing} grids, not {grids}: drop the database first.")
    call_command("seed_demo", grids=grids)


def machine():
    """Return a one-line description of this machine and its database."""
    from django.db import connection

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
        cursor.execute("SELECT postgis_lib_version(), postgis_geos_version()")
        postgis, geos = cursor.fetchone()
    cores = os.cpu_count()
    memory = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)
    return (f"{date.today()} · {cores} cores, {cpu}, {memory} GiB · PostgreSQL {postgres}, PostGIS {postgis}, "
            f"GEOS {geos} · Python {platform.python_version()}")


def percentiles(samples_ns):
    """Return (n, p50, p95, p99, max, mean) in milliseconds."""
    ordered = sorted(samples_ns)
    n = len(ordered)

    def at(q):
        return ordered[min(n - 1, int(q * n))] / 1e6

    return n, at(0.50), at(0.95), at(0.99), ordered[-1] / 1e6, sum(ordered) / n / 1e6


def table(rows):
    """Return a markdown table of (label, samples_ns) rows."""
    lines = ["| measurement | n | p50 ms | p95 ms | p99 ms | max ms | mean ms |", "|---|---|---|---|---|---|---|"]
    for label, samples in rows:
        n, p50, p95, p99, top, mean = percentiles(samples)
        lines.append(f"| {label} | {n} | {p50:.3f} | {p95:.3f} | {p99:.3f} | {top:.3f} | {mean:.3f} |")
    return "\n".join(lines)


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, **kwargs)
