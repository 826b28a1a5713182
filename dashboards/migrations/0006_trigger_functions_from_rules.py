"""The ticket trigger functions and dashboards_prefixes, regenerated from dashboards.rules.

The same counting rules as 0002, now stated once in application code (dashboards/rules.py) that
reads Ticket.Status and Area.SCOPE_PREFIX_LENGTH instead of writing them out; the rebuild
(services.rollups_rebuild) is generated from the same definition. Each branch of a trigger now
reads only the pairs whose contribution changed (its key, figures or condition).

The SQL below is what dashboards.rules generated when this migration was written, frozen (the
three row trigger functions differ only in where their pairs come from): a migration installs
the same thing whenever it runs, and tests/dashboards/test_rules.py compares the installed
functions with the generated ones, so a rule changed later fails that test until a new
migration installs it. Going back reinstalls 0002's functions.
"""

import importlib

from django.db import migrations

_0002 = importlib.import_module("dashboards.migrations.0002_ticket_triggers")
FUNCTIONS_0002_SQL = "".join(
    sql.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
    for sql in (_0002.PREFIXES_SQL, *map(_0002.trigger_function_sql, ("INSERT", "UPDATE", "DELETE")))
)

PREFIXES_SQL = """CREATE OR REPLACE FUNCTION public.dashboards_prefixes(code text)
 RETURNS SETOF text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$ SELECT left(code, n) FROM unnest(ARRAY[0, 4, 6, 9, 12, 15]) AS n WHERE n <= length(code) $function$
;
"""

EMPTY = "(SELECT * FROM incidents_ticket WHERE false)"
# Where each row trigger function takes its pairs of old and new rows from (transition tables).
PAIRS = {"insert": f"new_rows n LEFT JOIN {EMPTY} o", "update": "new_rows n JOIN old_rows o",
         "delete": f"{EMPTY} n RIGHT JOIN old_rows o"}
# The statement each of them runs (dashboards.rules.deltas_sql), {pairs} left open.
DELTAS_SQL = """
    WITH pair AS MATERIALIZED (
        SELECT n.area_code AS n_area_code,
               o.area_code AS o_area_code,
               n.category_id AS n_category_id,
               o.category_id AS o_category_id,
               n.status AS n_status,
               o.status AS o_status,
               n.closed_at AS n_closed_at,
               o.closed_at AS o_closed_at,
               n.satisfaction AS n_satisfaction,
               o.satisfaction AS o_satisfaction,
               n.overdue_count AS n_overdue_count,
               o.overdue_count AS o_overdue_count,
               n.handling_unit_id AS n_handling_unit_id,
               o.handling_unit_id AS o_handling_unit_id,
               (n.created_at AT TIME ZONE 'Asia/Shanghai')::date AS n_created_day,
               (o.created_at AT TIME ZONE 'Asia/Shanghai')::date AS o_created_day,
               (n.closed_at AT TIME ZONE 'Asia/Shanghai')::date AS n_closed_day,
               (o.closed_at AT TIME ZONE 'Asia/Shanghai')::date AS o_closed_day,
               (n.updated_at AT TIME ZONE 'Asia/Shanghai')::date AS n_updated_day
          FROM {pairs} ON o.id = n.id
         WHERE ROW(n.area_code, n.category_id, n.status, n.closed_at, n.satisfaction, n.overdue_count, n.handling_unit_id, n.created_at)
               IS DISTINCT FROM ROW(o.area_code, o.category_id, o.status, o.closed_at, o.satisfaction, o.overdue_count, o.handling_unit_id, o.created_at)
    ), flow AS (
        INSERT INTO dashboards_flowdelta (grid_code, day, category_id, reported, closed, closed_on_time, rejected, overdue, dispatched, returned, rated, satisfied, basically_satisfied)
        SELECT grid_code, day, category_id, sum(reported), sum(closed), sum(closed_on_time), sum(rejected), sum(overdue), sum(dispatched), sum(returned), sum(rated), sum(satisfied), sum(basically_satisfied)
          FROM (SELECT n_area_code, n_created_day, n_category_id, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0
                  FROM pair
                 WHERE n_status IS NOT NULL AND ROW(n_area_code, n_created_day, n_category_id, 1) IS DISTINCT FROM ROW(o_area_code, o_created_day, o_category_id, 1)
        UNION ALL SELECT o_area_code, o_created_day, o_category_id, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0
                  FROM pair
                 WHERE o_status IS NOT NULL AND ROW(n_area_code, n_created_day, n_category_id, 1) IS DISTINCT FROM ROW(o_area_code, o_created_day, o_category_id, 1)
        UNION ALL SELECT n_area_code, n_closed_day, n_category_id, 0, (n_status IN ('closed', 'rated'))::int, (n_status IN ('closed', 'rated') AND n_overdue_count = 0)::int, (n_status = 'rejected')::int, 0, 0, 0, (n_satisfaction <> '')::int, (n_satisfaction = 'satisfied')::int, (n_satisfaction = 'basically')::int
                  FROM pair
                 WHERE n_status IS NOT NULL AND n_closed_at IS NOT NULL AND ROW(n_area_code, n_closed_day, n_category_id, (n_status IN ('closed', 'rated'))::int, (n_status IN ('closed', 'rated') AND n_overdue_count = 0)::int, (n_status = 'rejected')::int, (n_satisfaction <> '')::int, (n_satisfaction = 'satisfied')::int, (n_satisfaction = 'basically')::int, n_closed_at IS NOT NULL) IS DISTINCT FROM ROW(o_area_code, o_closed_day, o_category_id, (o_status IN ('closed', 'rated'))::int, (o_status IN ('closed', 'rated') AND o_overdue_count = 0)::int, (o_status = 'rejected')::int, (o_satisfaction <> '')::int, (o_satisfaction = 'satisfied')::int, (o_satisfaction = 'basically')::int, o_closed_at IS NOT NULL)
        UNION ALL SELECT o_area_code, o_closed_day, o_category_id, 0, -(o_status IN ('closed', 'rated'))::int, -(o_status IN ('closed', 'rated') AND o_overdue_count = 0)::int, -(o_status = 'rejected')::int, 0, 0, 0, -(o_satisfaction <> '')::int, -(o_satisfaction = 'satisfied')::int, -(o_satisfaction = 'basically')::int
                  FROM pair
                 WHERE o_status IS NOT NULL AND o_closed_at IS NOT NULL AND ROW(n_area_code, n_closed_day, n_category_id, (n_status IN ('closed', 'rated'))::int, (n_status IN ('closed', 'rated') AND n_overdue_count = 0)::int, (n_status = 'rejected')::int, (n_satisfaction <> '')::int, (n_satisfaction = 'satisfied')::int, (n_satisfaction = 'basically')::int, n_closed_at IS NOT NULL) IS DISTINCT FROM ROW(o_area_code, o_closed_day, o_category_id, (o_status IN ('closed', 'rated'))::int, (o_status IN ('closed', 'rated') AND o_overdue_count = 0)::int, (o_status = 'rejected')::int, (o_satisfaction <> '')::int, (o_satisfaction = 'satisfied')::int, (o_satisfaction = 'basically')::int, o_closed_at IS NOT NULL)
        UNION ALL SELECT n_area_code, n_updated_day, n_category_id, 0, 0, 0, 0, n_overdue_count - coalesce(o_overdue_count, 0), (n_status = 'dispatched' AND o_status IS DISTINCT FROM 'dispatched')::int, (n_status = 'returned' AND o_status IS DISTINCT FROM 'returned')::int, 0, 0, 0
                  FROM pair
                 WHERE n_status IS NOT NULL AND ((n_overdue_count IS DISTINCT FROM o_overdue_count) OR (n_status = 'dispatched' AND o_status IS DISTINCT FROM 'dispatched') OR (n_status = 'returned' AND o_status IS DISTINCT FROM 'returned'))
               ) AS b(grid_code, day, category_id, reported, closed, closed_on_time, rejected, overdue, dispatched, returned, rated, satisfied, basically_satisfied)
         WHERE grid_code IS NOT NULL
         GROUP BY grid_code, day, category_id
        HAVING ROW(sum(reported), sum(closed), sum(closed_on_time), sum(rejected), sum(overdue), sum(dispatched), sum(returned), sum(rated), sum(satisfied), sum(basically_satisfied)) <> ROW(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    ), state AS (
        INSERT INTO dashboards_statedelta (grid_code, status, tickets, overdue_tickets)
        SELECT grid_code, status, sum(tickets), sum(overdue_tickets)
          FROM (SELECT n_area_code, n_status, 1, (n_overdue_count > 0)::int
                  FROM pair
                 WHERE n_status IS NOT NULL AND ROW(n_area_code, n_status, 1, (n_overdue_count > 0)::int) IS DISTINCT FROM ROW(o_area_code, o_status, 1, (o_overdue_count > 0)::int)
        UNION ALL SELECT o_area_code, o_status, -1, -(o_overdue_count > 0)::int
                  FROM pair
                 WHERE o_status IS NOT NULL AND ROW(n_area_code, n_status, 1, (n_overdue_count > 0)::int) IS DISTINCT FROM ROW(o_area_code, o_status, 1, (o_overdue_count > 0)::int)
               ) AS b(grid_code, status, tickets, overdue_tickets)
         GROUP BY grid_code, status
        HAVING ROW(sum(tickets), sum(overdue_tickets)) <> ROW(0, 0)
    )
    INSERT INTO dashboards_unitdelta (unit_id, day, received, closed, closed_on_time, overdue, returned, rated, satisfied, basically_satisfied)
        SELECT unit_id, day, sum(received), sum(closed), sum(closed_on_time), sum(overdue), sum(returned), sum(rated), sum(satisfied), sum(basically_satisfied)
          FROM (SELECT n_handling_unit_id, n_closed_day, 0, (n_status IN ('closed', 'rated'))::int, (n_status IN ('closed', 'rated') AND n_overdue_count = 0)::int, 0, 0, (n_satisfaction <> '')::int, (n_satisfaction = 'satisfied')::int, (n_satisfaction = 'basically')::int
                  FROM pair
                 WHERE n_status IS NOT NULL AND n_closed_at IS NOT NULL AND ROW(n_handling_unit_id, n_closed_day, (n_status IN ('closed', 'rated'))::int, (n_status IN ('closed', 'rated') AND n_overdue_count = 0)::int, (n_satisfaction <> '')::int, (n_satisfaction = 'satisfied')::int, (n_satisfaction = 'basically')::int, n_closed_at IS NOT NULL) IS DISTINCT FROM ROW(o_handling_unit_id, o_closed_day, (o_status IN ('closed', 'rated'))::int, (o_status IN ('closed', 'rated') AND o_overdue_count = 0)::int, (o_satisfaction <> '')::int, (o_satisfaction = 'satisfied')::int, (o_satisfaction = 'basically')::int, o_closed_at IS NOT NULL)
        UNION ALL SELECT o_handling_unit_id, o_closed_day, 0, -(o_status IN ('closed', 'rated'))::int, -(o_status IN ('closed', 'rated') AND o_overdue_count = 0)::int, 0, 0, -(o_satisfaction <> '')::int, -(o_satisfaction = 'satisfied')::int, -(o_satisfaction = 'basically')::int
                  FROM pair
                 WHERE o_status IS NOT NULL AND o_closed_at IS NOT NULL AND ROW(n_handling_unit_id, n_closed_day, (n_status IN ('closed', 'rated'))::int, (n_status IN ('closed', 'rated') AND n_overdue_count = 0)::int, (n_satisfaction <> '')::int, (n_satisfaction = 'satisfied')::int, (n_satisfaction = 'basically')::int, n_closed_at IS NOT NULL) IS DISTINCT FROM ROW(o_handling_unit_id, o_closed_day, (o_status IN ('closed', 'rated'))::int, (o_status IN ('closed', 'rated') AND o_overdue_count = 0)::int, (o_satisfaction <> '')::int, (o_satisfaction = 'satisfied')::int, (o_satisfaction = 'basically')::int, o_closed_at IS NOT NULL)
        UNION ALL SELECT n_handling_unit_id, n_updated_day, (n_status = 'dispatched' AND o_status IS DISTINCT FROM 'dispatched')::int, 0, 0, 0, 0, 0, 0, 0
                  FROM pair
                 WHERE n_status IS NOT NULL AND ((n_status = 'dispatched' AND o_status IS DISTINCT FROM 'dispatched'))
        UNION ALL SELECT coalesce(o_handling_unit_id, n_handling_unit_id), n_updated_day, 0, 0, 0, n_overdue_count - coalesce(o_overdue_count, 0), (n_status = 'returned' AND o_status IS DISTINCT FROM 'returned')::int, 0, 0, 0
                  FROM pair
                 WHERE n_status IS NOT NULL AND ((n_overdue_count IS DISTINCT FROM o_overdue_count) OR (n_status = 'returned' AND o_status IS DISTINCT FROM 'returned'))
               ) AS b(unit_id, day, received, closed, closed_on_time, overdue, returned, rated, satisfied, basically_satisfied)
         WHERE unit_id IS NOT NULL
         GROUP BY unit_id, day
        HAVING ROW(sum(received), sum(closed), sum(closed_on_time), sum(overdue), sum(returned), sum(rated), sum(satisfied), sum(basically_satisfied)) <> ROW(0, 0, 0, 0, 0, 0, 0, 0)"""


def trigger_function_sql(operation):
    """Return the statement (re)creating the trigger function of `operation` (insert, update or delete)."""
    return (f"CREATE OR REPLACE FUNCTION public.dashboards_ticket_{operation}()\n RETURNS trigger\n LANGUAGE plpgsql\n"
            f"AS $function$\nBEGIN{DELTAS_SQL.format(pairs=PAIRS[operation])};\n    RETURN NULL;\nEND\n$function$;\n")


class Migration(migrations.Migration):

    dependencies = [("dashboards", "0005_daily_flow_category_mix_index")]

    operations = [
        migrations.RunSQL(PREFIXES_SQL + "".join(map(trigger_function_sql, PAIRS)), FUNCTIONS_0002_SQL),
    ]
