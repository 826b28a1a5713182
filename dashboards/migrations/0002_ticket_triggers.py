"""Rollups kept from every change of incidents_ticket, whoever makes it (services, sweeps, admin,
bulk loads), without touching the writers' code and without hot rows in their transactions.

1. Statement-level AFTER INSERT/UPDATE/DELETE triggers read the statement's transition tables,
   pair old and new rows by id, keep the pairs whose counted columns changed, and append ONE
   aggregated row per grid, day and category (status; unit and day) with the +/- differences to
   the delta tables. The delta tables have no index and no key: appending never waits for a lock.
2. `dashboards.services.rollups_fold` moves the deltas into the rollups, expanded to every area
   level by `dashboards_prefixes`.
   Flow rows are added once more under category 0 (dashboards.models.ALL_CATEGORIES): the totals.
3. The `…_live` views add the unfolded deltas to the rollups, so reads are exact between folds.
   Both branches of each view have the same column types (hence the casts): otherwise PostgreSQL
   cannot push a query's `prefix = …` into the rollup branch and scans the whole rollup.

A state figure (reported on a day, closed on a day, status now) is contribution(new row) minus
contribution(old row), so it always equals the figure computed from the tickets as they are; an
occurrence (a missed deadline, a dispatch, a return) is counted on the day of the change
(`updated_at`, which every writer sets) in the grid of the ticket.
"""

from django.conf import settings
from django.db import migrations

# The area prefix lengths of Area.SCOPE_PREFIX_LENGTH (city 4, district 6, street 9, community 12,
# grid 15) and '' for everything. Written out: migrations do not import application code.
PREFIXES_SQL = """
CREATE FUNCTION dashboards_prefixes(code text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT left(code, n) FROM unnest(ARRAY[0, 4, 6, 9, 12, 15]) AS n WHERE n <= length(code) $$;
"""

FLOW = "reported, closed, closed_on_time, rejected, overdue, dispatched, returned, rated, satisfied, basically_satisfied"
UNIT = "received, closed, closed_on_time, overdue, returned, rated, satisfied, basically_satisfied"


def _sums(columns):
    return ", ".join(f"sum({c})::int" for c in columns.split(", "))


def _nonzero(columns):
    names = columns.split(", ")
    return f"ROW({', '.join(f'sum({c})' for c in names)}) <> ROW({', '.join('0' for _ in names)})"


DELTA_TABLES_SQL = f"""
CREATE TABLE dashboards_flowdelta (
    grid_code varchar(15) NOT NULL, day date NOT NULL, category_id bigint NOT NULL,
    {", ".join(f"{c} integer NOT NULL" for c in FLOW.split(", "))});
CREATE TABLE dashboards_statedelta (
    grid_code varchar(15) NOT NULL, status varchar(12) NOT NULL, tickets integer NOT NULL,
    overdue_tickets integer NOT NULL);
CREATE TABLE dashboards_unitdelta (
    unit_id bigint NOT NULL, day date NOT NULL,
    {", ".join(f"{c} integer NOT NULL" for c in UNIT.split(", "))});
"""


EMPTY = "(SELECT * FROM incidents_ticket WHERE false)"


def deltas_sql(new, old):
    """Return the statement appending the deltas of the row changes `old` → `new` (relations of tickets).

    1. `pair` joins each changed row's old and new version (an absent side is all NULL) and
       computes their local days once.
    2. Each contribution is a branch that only reads the pairs where it changed, so an escalation
       (overdue count and holder change) skips the reported and closure branches entirely.
    3. The branches are summed per key; keys that net to zero are not appended.
    """
    zone = settings.TIME_ZONE
    columns = ("area_code", "category_id", "status", "closed_at", "satisfaction", "overdue_count",
               "handling_unit_id")
    days = [("n", "created"), ("o", "created"), ("n", "closed"), ("o", "closed"), ("n", "updated")]
    pair_columns = ", ".join(
        [f"{side}.{c} AS {side}_{c}" for c in columns for side in "no"]
        + [f"({side}.{name}_at AT TIME ZONE '{zone}')::date AS {side}_{name}_day" for side, name in days]
    )
    join = {"UPDATE": "JOIN", "INSERT": "LEFT JOIN", "DELETE": "RIGHT JOIN"}

    def changed(*names):
        return f"ROW({', '.join(f'n_{c}' for c in names)}) IS DISTINCT FROM ROW({', '.join(f'o_{c}' for c in names)})"

    def measures(s, sign):
        """The closure measures of one side (n: +1, o: -1) as SQL expressions."""
        closed = f"{s}_status IN ('closed', 'rated')"
        return {
            "closed": f"{sign} * ({closed})::int",
            "closed_on_time": f"{sign} * ({closed} AND {s}_overdue_count = 0)::int",
            "rejected": f"{sign} * ({s}_status = 'rejected')::int",
            "rated": f"{sign} * ({s}_satisfaction <> '')::int",
            "satisfied": f"{sign} * ({s}_satisfaction = 'satisfied')::int",
            "basically_satisfied": f"{sign} * ({s}_satisfaction = 'basically')::int",
        }

    def branch(key, values, where, names):
        """One SELECT of a delta branch: key columns, then every measure (0 when not given)."""
        row = ", ".join([*key, *(values.get(name, "0") for name in names.split(", "))])
        return f"SELECT {row} FROM pair WHERE {where}"

    reported = changed("area_code", "category_id", "created_day")
    closure = changed("area_code", "category_id", "closed_day", "status", "satisfaction", "overdue_count")
    unit_closure = changed("handling_unit_id", "closed_day", "status", "satisfaction", "overdue_count")
    occurrences = {
        "overdue": "n_overdue_count - coalesce(o_overdue_count, 0)",
        "dispatched": "(n_status = 'dispatched' AND o_status IS DISTINCT FROM 'dispatched')::int",
        "returned": "(n_status = 'returned' AND o_status IS DISTINCT FROM 'returned')::int",
    }
    happened = ("n_status IS NOT NULL AND (n_overdue_count IS DISTINCT FROM o_overdue_count "
                "OR (n_status IN ('dispatched', 'returned') AND n_status IS DISTINCT FROM o_status))")
    flow = "\n        UNION ALL ".join([
        branch(("n_area_code", "n_created_day", "n_category_id"), {"reported": "1"},
               f"n_status IS NOT NULL AND {reported}", FLOW),
        branch(("o_area_code", "o_created_day", "o_category_id"), {"reported": "-1"},
               f"o_status IS NOT NULL AND {reported}", FLOW),
        branch(("n_area_code", "n_closed_day", "n_category_id"), measures("n", 1),
               f"n_closed_at IS NOT NULL AND {closure}", FLOW),
        branch(("o_area_code", "o_closed_day", "o_category_id"), measures("o", -1),
               f"o_closed_at IS NOT NULL AND {closure}", FLOW),
        branch(("n_area_code", "n_updated_day", "n_category_id"), occurrences, happened, FLOW),
    ])
    state_changed = changed("area_code", "status", "overdue_count > 0")
    state = "\n        UNION ALL ".join([
        f"SELECT n_area_code, n_status, 1, (n_overdue_count > 0)::int FROM pair "
        f"WHERE n_status IS NOT NULL AND {state_changed}",
        f"SELECT o_area_code, o_status, -1, -(o_overdue_count > 0)::int FROM pair "
        f"WHERE o_status IS NOT NULL AND {state_changed}",
    ])
    unit_measures = {key: value for key, value in measures("n", 1).items() if key != "rejected"}
    old_unit_measures = {key: value for key, value in measures("o", -1).items() if key != "rejected"}
    unit = "\n        UNION ALL ".join([
        branch(("n_handling_unit_id", "n_closed_day"), unit_measures,
               f"n_closed_at IS NOT NULL AND {unit_closure}", UNIT),
        branch(("o_handling_unit_id", "o_closed_day"), old_unit_measures,
               f"o_closed_at IS NOT NULL AND {unit_closure}", UNIT),
        # A dispatch counts for the unit receiving it; a missed deadline and a return against the
        # unit that held the ticket before the change.
        branch(("n_handling_unit_id", "n_updated_day"), {"received": occurrences["dispatched"]},
               "n_status = 'dispatched' AND o_status IS DISTINCT FROM 'dispatched'", UNIT),
        branch(("coalesce(o_handling_unit_id, n_handling_unit_id)", "n_updated_day"),
               {"overdue": occurrences["overdue"], "returned": occurrences["returned"]}, happened, UNIT),
    ])
    return f"""
    WITH pair AS MATERIALIZED (
        SELECT {pair_columns}
          FROM {new} n {join[operation_of(new, old)]} {old} o ON o.id = n.id
         WHERE ROW({", ".join(f"n.{c}" for c in (*columns, "created_at"))})
               IS DISTINCT FROM ROW({", ".join(f"o.{c}" for c in (*columns, "created_at"))})
    ), flow AS (
        INSERT INTO dashboards_flowdelta (grid_code, day, category_id, {FLOW})
        SELECT grid_code, day, category_id, {_sums(FLOW)}
          FROM ({flow}) AS c(grid_code, day, category_id, {FLOW})
         WHERE grid_code IS NOT NULL
         GROUP BY 1, 2, 3 HAVING {_nonzero(FLOW)}
    ), state AS (
        INSERT INTO dashboards_statedelta (grid_code, status, tickets, overdue_tickets)
        SELECT grid_code, status, sum(tickets), sum(overdue_tickets)
          FROM ({state}) AS c(grid_code, status, tickets, overdue_tickets)
         GROUP BY 1, 2 HAVING ROW(sum(tickets), sum(overdue_tickets)) <> ROW(0, 0)
    )
    INSERT INTO dashboards_unitdelta (unit_id, day, {UNIT})
    SELECT unit_id, day, {_sums(UNIT)}
      FROM ({unit}) AS c(unit_id, day, {UNIT})
     WHERE unit_id IS NOT NULL
     GROUP BY 1, 2 HAVING {_nonzero(UNIT)}"""


def operation_of(new, old):
    """Return the operation whose transition tables `new` and `old` are (the backfill reads as INSERT)."""
    return "DELETE" if new == EMPTY else "INSERT" if old == EMPTY else "UPDATE"


def trigger_function_sql(operation):
    """Return the trigger function for INSERT, UPDATE or DELETE (transition tables differ by operation)."""
    new = EMPTY if operation == "DELETE" else "new_rows"
    old = EMPTY if operation == "INSERT" else "old_rows"
    return f"""
CREATE FUNCTION dashboards_ticket_{operation.lower()}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
{deltas_sql(new, old)};
    RETURN NULL;
END
$fn$;
"""


# TRUNCATE fires no row triggers: emptying the tickets (a test database's flush) empties the rollups.
TRUNCATE_SQL = """
CREATE FUNCTION dashboards_ticket_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    TRUNCATE dashboards_flowdelta, dashboards_statedelta, dashboards_unitdelta;
    -- DELETE, not TRUNCATE: the rollups may be in the same TRUNCATE statement (Django's flush).
    DELETE FROM dashboards_dailyflow;
    DELETE FROM dashboards_areastatuscount;
    DELETE FROM dashboards_unitdailyflow;
    DELETE FROM dashboards_gridmonth;
    RETURN NULL;
END
$fn$;
"""

TRIGGERS_SQL = """
CREATE TRIGGER dashboards_ticket_insert AFTER INSERT ON incidents_ticket
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboards_ticket_insert();
CREATE TRIGGER dashboards_ticket_update AFTER UPDATE ON incidents_ticket
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dashboards_ticket_update();
CREATE TRIGGER dashboards_ticket_delete AFTER DELETE ON incidents_ticket
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboards_ticket_delete();
CREATE TRIGGER dashboards_ticket_truncate AFTER TRUNCATE ON incidents_ticket
    FOR EACH STATEMENT EXECUTE FUNCTION dashboards_ticket_truncate();
"""

# Tickets stored before the app was installed enter as if inserted now (their missed deadlines
# counted on the day of their last update); the first fold moves them into the rollups.
BACKFILL_SQL = deltas_sql("incidents_ticket", EMPTY) + ";\n"

VIEWS_SQL = f"""
CREATE VIEW dashboards_dailyflow_live AS
    SELECT prefix, day, category_id, {FLOW} FROM dashboards_dailyflow
    UNION ALL
    SELECT p.prefix::varchar(15), d.day, c.category_id, {", ".join(f"d.{c}" for c in FLOW.split(", "))}
      FROM dashboards_flowdelta d CROSS JOIN LATERAL dashboards_prefixes(d.grid_code) AS p(prefix)
           CROSS JOIN LATERAL (VALUES (d.category_id), (0)) AS c(category_id);
CREATE VIEW dashboards_areastatuscount_live AS
    SELECT prefix, status, tickets, overdue_tickets FROM dashboards_areastatuscount
    UNION ALL
    SELECT p.prefix::varchar(15), d.status, d.tickets, d.overdue_tickets
      FROM dashboards_statedelta d CROSS JOIN LATERAL dashboards_prefixes(d.grid_code) AS p(prefix);
CREATE VIEW dashboards_unitdailyflow_live AS
    SELECT unit_id, day, {UNIT} FROM dashboards_unitdailyflow
    UNION ALL
    SELECT unit_id, day, {UNIT} FROM dashboards_unitdelta;
CREATE VIEW dashboards_gridmonth_live AS
    SELECT month, grid_code, reported, overdue FROM dashboards_gridmonth
    UNION ALL
    SELECT date_trunc('month', day)::date, grid_code, reported, overdue
      FROM dashboards_flowdelta WHERE length(grid_code) = 15;
"""

DROP_SQL = """
DROP VIEW dashboards_dailyflow_live, dashboards_areastatuscount_live, dashboards_unitdailyflow_live,
          dashboards_gridmonth_live;
DROP TRIGGER dashboards_ticket_insert ON incidents_ticket;
DROP TRIGGER dashboards_ticket_update ON incidents_ticket;
DROP TRIGGER dashboards_ticket_delete ON incidents_ticket;
DROP TRIGGER dashboards_ticket_truncate ON incidents_ticket;
DROP FUNCTION dashboards_ticket_insert(), dashboards_ticket_update(), dashboards_ticket_delete(),
              dashboards_ticket_truncate();
DROP TABLE dashboards_flowdelta, dashboards_statedelta, dashboards_unitdelta;
DROP FUNCTION dashboards_prefixes(text);
"""


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0001_initial")]

    operations = [
        migrations.RunSQL(
            PREFIXES_SQL + DELTA_TABLES_SQL + "".join(trigger_function_sql(op) for op in ("INSERT", "UPDATE", "DELETE"))
            + TRUNCATE_SQL + TRIGGERS_SQL + BACKFILL_SQL + VIEWS_SQL,
            DROP_SQL,
        ),
    ]
