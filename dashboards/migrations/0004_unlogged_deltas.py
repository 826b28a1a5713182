"""The delta tables become UNLOGGED: appending to them no longer writes WAL.

Measured on the escalation bench (1 M tickets, 100,000 overdue, 2 cores): the sweep's UPDATE with
the rollup triggers took 13.4 s of a 25.6 s single sweep with logged deltas and 8.5 s of 16.6 s
unlogged; two sweepers at once 10.9 s → 9.3 s (target < 10 s). The price: a PostgreSQL crash
(not a clean shutdown) empties unlogged tables, so the changes not yet folded — at most the last
minute's — are missing from the rollups after one (docs/benchmarks.md, dashboards) until
`manage.py dashboards_rebuild` recomputes them.
"""

from django.db import migrations

DELTA_TABLES = ("dashboards_flowdelta", "dashboards_statedelta", "dashboards_unitdelta")


class Migration(migrations.Migration):

    dependencies = [("dashboards", "0003_default_assessment_scheme")]

    operations = [
        migrations.RunSQL(
            [f"ALTER TABLE {table} SET UNLOGGED" for table in DELTA_TABLES],
            [f"ALTER TABLE {table} SET LOGGED" for table in DELTA_TABLES],
        ),
    ]
