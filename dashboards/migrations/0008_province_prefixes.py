"""Rollups per province: dashboards_prefixes also yields a grid code's first two digits, and the
province rows of the figures already folded are added.

Area.SCOPE_PREFIX_LENGTH gained the province (2 digits), so dashboards.rules.PREFIX_LENGTHS did;
the trigger functions append grid-level deltas and are unchanged, only the function that spreads
a grid's figures over its levels (used by the fold and the `…_live` views) is reinstalled, frozen
as text like 0006's. Deltas not folded yet get their province rows when they are folded.

The province rows of what is folded are the sums of the city rows (four-digit prefixes): every
grid counted under a city counts under the province its first two digits name. That is one scan
of the rollups (1.4 s for 4.4 M flow rows on a 2-core machine), not of the tickets, so no full
rebuild (`manage.py dashboards_rebuild`) is needed. The rollups are locked first: a fold running with the
old function finishes before the sums are taken, and the next one waits for the new function.
Going back drops the province rows and reinstalls 0006's function.
"""

import importlib

from django.db import migrations

_0006 = importlib.import_module("dashboards.migrations.0006_trigger_functions_from_rules")

PREFIXES_SQL = """CREATE OR REPLACE FUNCTION public.dashboards_prefixes(code text)
 RETURNS SETOF text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$ SELECT left(code, n) FROM unnest(ARRAY[0, 2, 4, 6, 9, 12, 15]) AS n WHERE n <= length(code) $function$
;
"""

LOCK_ROLLUPS = "LOCK TABLE dashboards_dailyflow, dashboards_areastatuscount IN SHARE ROW EXCLUSIVE MODE;\n"

# DailyFlow.MEASURES when this migration was written.
FLOW_MEASURES = ("reported", "closed", "closed_on_time", "rejected", "overdue", "dispatched", "returned", "rated",
                 "satisfied", "basically_satisfied")
PROVINCE_ROWS_SQL = f"""
INSERT INTO dashboards_dailyflow (prefix, day, category_id, {", ".join(FLOW_MEASURES)})
SELECT left(prefix, 2), day, category_id, {", ".join(f"sum({m})" for m in FLOW_MEASURES)}
  FROM dashboards_dailyflow WHERE length(prefix) = 4 GROUP BY 1, 2, 3;
INSERT INTO dashboards_areastatuscount (prefix, status, tickets, overdue_tickets)
SELECT left(prefix, 2), status, sum(tickets), sum(overdue_tickets)
  FROM dashboards_areastatuscount WHERE length(prefix) = 4 GROUP BY 1, 2;
"""

DROP_PROVINCE_ROWS_SQL = """
DELETE FROM dashboards_dailyflow WHERE length(prefix) = 2;
DELETE FROM dashboards_areastatuscount WHERE length(prefix) = 2;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("dashboards", "0007_assessment_supervision_weight"),
        ("grids", "0003_area_province_level"),
    ]

    operations = [
        migrations.RunSQL(
            LOCK_ROLLUPS + PREFIXES_SQL + PROVINCE_ROWS_SQL,
            LOCK_ROLLUPS + _0006.PREFIXES_SQL + DROP_PROVINCE_ROWS_SQL,
        ),
    ]
