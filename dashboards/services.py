"""Writes of the dashboards app: folding the trigger deltas into the rollups, and rebuilding them."""

from django.db import connection, transaction

from . import rules
from .models import ALL_CATEGORIES, DailyFlow, UnitDailyFlow


def _fold_sql(*, delta, rollup, key, measures, levels=False, all_categories=False, extra=""):
    """Return one statement moving every row of `delta` into `rollup` (summed per key, upsert).

    DELETE … RETURNING takes exactly the committed rows it removes: a concurrent fold waits for
    them and then finds them gone, so each delta is added once; rows appended meanwhile stay
    for the next fold. With `levels`, a grid-level row is added at every level of its area; with
    `all_categories`, once more under ALL_CATEGORIES, so totals are one row per area and day.
    """
    source, columns = "moved m", {column: f"m.{column}" for column in key}
    if levels:
        source += " CROSS JOIN LATERAL dashboards_prefixes(m.grid_code) AS p(prefix)"
        columns["prefix"] = "p.prefix"
    if all_categories:
        source += f" CROSS JOIN LATERAL (VALUES (m.category_id), ({ALL_CATEGORIES})) AS c(category_id)"
        columns["category_id"] = "c.category_id"
    sums = ", ".join(f"sum(m.{column})" for column in measures)
    updates = ", ".join(f"{column} = r.{column} + EXCLUDED.{column}" for column in measures)
    return f"""
        WITH moved AS (DELETE FROM {delta} RETURNING *){extra}
        INSERT INTO {rollup} AS r ({", ".join(key)}, {", ".join(measures)})
        SELECT {", ".join(columns.values())}, {sums} FROM {source} GROUP BY {", ".join(columns.values())}
        ON CONFLICT ({", ".join(key)}) DO UPDATE SET {updates}
    """


# The flow fold also feeds the per-grid monthly counts from the same moved rows.
_GRID_MONTH = """, grid_month AS (
            INSERT INTO dashboards_gridmonth AS g (month, grid_code, reported, overdue)
            SELECT date_trunc('month', day)::date, grid_code, sum(reported), sum(overdue)
              FROM moved WHERE length(grid_code) = 15 GROUP BY 1, 2
            ON CONFLICT (month, grid_code) DO UPDATE
               SET reported = g.reported + EXCLUDED.reported, overdue = g.overdue + EXCLUDED.overdue)"""

FOLDS = (
    _fold_sql(delta="dashboards_flowdelta", rollup="dashboards_dailyflow", key=("prefix", "day", "category_id"),
              measures=DailyFlow.MEASURES, levels=True, all_categories=True, extra=_GRID_MONTH),
    _fold_sql(delta="dashboards_statedelta", rollup="dashboards_areastatuscount", key=("prefix", "status"),
              measures=("tickets", "overdue_tickets"), levels=True),
    _fold_sql(delta="dashboards_unitdelta", rollup="dashboards_unitdailyflow", key=("unit_id", "day"),
              measures=UnitDailyFlow.MEASURES),
)


def rollups_fold():
    """Move the deltas the ticket triggers appended into the rollups.

    Safe to run at any time and twice at once; reads stay exact before, during and after (the
    `…_live` views add whatever is not folded yet). Returns the number of rollup rows written.
    """
    folded = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in FOLDS:
            cursor.execute(statement)
            folded += cursor.rowcount
    return folded


# --- rebuild: the rollups recomputed from what is stored, by the triggers' rules (rules.py) ------

_ROLLUP_TABLES = ("dashboards_flowdelta", "dashboards_statedelta", "dashboards_unitdelta", "dashboards_dailyflow",
                  "dashboards_areastatuscount", "dashboards_unitdailyflow", "dashboards_gridmonth")


def rollups_rebuild():
    """Recompute every rollup from the tickets and their events; return the rollup rows written.

    The recovery after a PostgreSQL crash: the delta tables are UNLOGGED (migration 0004), so a
    crash loses the changes not folded yet. Writes to tickets wait while it runs (a SHARE lock),
    so the figures are those of one moment; dashboard reads wait for it too. The history of
    deleted tickets, which the triggers keep (a dispatch stays counted), cannot be recomputed.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE incidents_ticket IN SHARE MODE")
        cursor.execute(f"TRUNCATE {', '.join(_ROLLUP_TABLES)}")
        for statement in rules.REBUILD:
            cursor.execute(statement)
        return rollups_fold()
