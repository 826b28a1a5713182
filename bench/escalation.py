"""Benchmark of the escalation sweep: one overdue_escalate() call over 1,000,000 open tickets.

`make bench` runs it; standalone (with DATABASE_URL, REDIS_URL and DJANGO_SECRET_KEY exported):

    DJANGO_SETTINGS_MODULE=govportal.settings.bench .venv/bin/python bench/escalation.py

It prepares govportal_bench like bench/locate.py (create, migrate, seed 20,000 grids once), then
makes sure 1,000,000 open tickets numbered BENCH1 … BENCH1000000 exist, generated once with
set-based SQL and kept between runs: every one 'accepted' with a 'handle' deadline at its grid's
community committee (superior: the street office); BENCH<n> with n divisible by 10 (100,000
rows) is past due, the other 900,000 are due 1–30 days from generation (those that have come
due since are moved ahead again). It times ONE call of incidents.sweeps.overdue_escalate(), with
the time of each statement (claim, update, events, notifications) and of each commit, checks the
result, prints a markdown report and the plan of the claim query, then resets the 100,000 swept
rows (their events and notifications deleted), vacuums and reindexes, so that every run starts
from the same state. Resetting 100,000 rows takes about 25 s; regenerating the million would
take about 65 s more. A benchmark reports, it does not gate: the exit status is 0 even when
the target is missed.
"""

import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import locate  # noqa: E402 - the shared database, seeding and machine helpers of the benchmarks

TICKETS = 1_000_000
OVERDUE_EVERY = 10  # BENCH<n> with n % 10 == 0 is past due: 100,000 rows
OVERDUE = TICKETS // OVERDUE_EVERY
GENERATE_BATCH = 100_000  # rows per INSERT … SELECT transaction
CATEGORY = "0102"  # 乱堆放, handled first by the community
MARKER = "BENCH-ESCALATION"  # description prefix; the numbers are 'BENCH' || n
SEED = 0.20261123  # setseed() of the first batch (each batch adds its index / 100) for the grid picks
TARGET_SECONDS = 10.0
PLAN_LINES = 14

_BENCH = "number LIKE 'BENCH%%'"  # %% : the statements go through a cursor with parameters
_OVERDUE_SET = f"{_BENCH} AND substr(number, 6)::int %% {OVERDUE_EVERY} = 0"

# One row per grid with its ancestors, its community committee (the first holder) and street
# office (the dispatcher), and a point inside it; tickets pick a grid at random from it.
_GRIDS_SQL = """
    CREATE TEMP TABLE bench_grid ON COMMIT DROP AS
    SELECT row_number() OVER (ORDER BY g.code) - 1 AS i, g.id AS grid_id, c.id AS community_id,
           s.id AS street_id, d.id AS district_id, g.code, cc.id AS unit_id, so.id AS dispatcher_id,
           ST_PointOnSurface(g.geom) AS location
      FROM grids_area g
      JOIN grids_area c ON c.id = g.parent_id
      JOIN grids_area s ON s.id = c.parent_id
      JOIN grids_area d ON d.id = s.parent_id
      JOIN accounts_handlingunit cc ON cc.area_id = c.id AND cc.kind = 'community_committee'
      JOIN accounts_handlingunit so ON so.area_id = s.id AND so.kind = 'street_office'
     WHERE g.level = 'grid'
"""
_INSERT_SQL = f"""
    INSERT INTO incidents_ticket (
        number, source, category_id, urgency, description, address, location, area_code, reporter_phone_encrypted,
        reporter_phone_masked, status, status_before_suspension, self_handled, sign_minutes, handle_minutes,
        verify_minutes,
        clock_time, due_at, due_kind, overdue_count, feedback, satisfaction, outside_own_grids, request_fingerprint,
        created_at, updated_at,
        grid_id, community_id, street_id, district_id, handling_unit_id, dispatcher_unit_id)
    SELECT 'BENCH' || n, 'grid_worker', %(category)s, 'ordinary', '{MARKER} ' || n, '', g.location, g.code, '', '',
           'accepted', '', false, %(sign)s, %(handle)s, %(verify)s,
           %(clock)s,
           CASE WHEN n %% {OVERDUE_EVERY} = 0 THEN now() - interval '1 minute' - random() * interval '3 days'
                ELSE now() + interval '1 day' + random() * interval '29 days' END,
           'handle', 0, '', '', false, '', now(), now(),
           g.grid_id, g.community_id, g.street_id, g.district_id, g.unit_id, g.dispatcher_id
      FROM (SELECT n, floor(random() * %(grids)s)::int AS i FROM generate_series(%(first)s, %(last)s) AS n) AS pick
      JOIN bench_grid g ON g.i = pick.i
"""
# After a sweep: the swept rows back to their generated state (a past 'handle' deadline at the
# community committee), their events and notifications gone.
_RESET_SQL = f"""
    UPDATE incidents_ticket t
       SET status = 'accepted', handling_unit_id = cc.id, handler_id = NULL, due_kind = 'handle',
           due_at = now() - interval '1 minute' - random() * interval '3 days', overdue_count = 0,
           updated_at = t.created_at
      FROM accounts_handlingunit cc
     WHERE cc.area_id = t.community_id AND cc.kind = 'community_committee'
       AND t.{_OVERDUE_SET}
       AND (t.overdue_count > 0 OR t.due_at IS NULL OR t.due_at > now())
"""
# Deadlines of the 900,000 that have come due since generation (the dataset is kept between
# runs) move 1–30 days ahead again, so that exactly the 100,000 are due.
_REFRESH_SQL = f"""
    UPDATE incidents_ticket SET due_at = now() + interval '1 day' + random() * interval '29 days'
     WHERE due_at <= now() + interval '10 minutes' AND {_BENCH}
       AND substr(number, 6)::int %% {OVERDUE_EVERY} <> 0
"""
_BENCH_IDS = f"SELECT id FROM incidents_ticket WHERE {_BENCH}"
# The sweep's digest notices that list bench tickets (the sweep writes no other digests).
_DIGESTS_DELETE_SQL = f"""
    DELETE FROM incidents_notification
     WHERE EXISTS (SELECT 1 FROM unnest(digest_ticket_ids) AS listed(id)
                    JOIN incidents_ticket t ON t.id = listed.id WHERE t.{_BENCH})"""


# --- dataset --------------------------------------------------------------------------------


def require_command_centres():
    """Exit unless the demo city has district command centres (seeded before they existed)."""
    from django.conf import settings

    from accounts.models import HandlingUnit

    if not HandlingUnit.objects.filter(kind=HandlingUnit.Kind.COMMAND_CENTRE).exists():
        name = settings.DATABASES["default"]["NAME"]
        sys.exit(f"error: database {name} was seeded before district command centres existed (no unit has a "
                 f"superior chain to escalate along). Drop it (DROP DATABASE {name} WITH (FORCE)) and run the "
                 "benchmark again.")


def dataset_state(cursor):
    """Count the bench rows: all, due among the overdue set, due (or soon) among the others, swept,
    their events; and the other tickets that are due (the sweep would handle them too)."""
    cursor.execute(f"""
        SELECT count(*),
               count(*) FILTER (WHERE substr(number, 6)::int %% {OVERDUE_EVERY} = 0 AND due_at <= now()),
               count(*) FILTER (WHERE substr(number, 6)::int %% {OVERDUE_EVERY} <> 0
                                  AND (due_at IS NULL OR due_at <= now() + interval '10 minutes')),
               count(*) FILTER (WHERE overdue_count > 0 OR status <> 'accepted')
          FROM incidents_ticket WHERE {_BENCH}""", [])
    total, due, other_due, swept = cursor.fetchone()
    cursor.execute(f"SELECT count(*) FROM incidents_ticketevent WHERE ticket_id IN ({_BENCH_IDS})", [])
    events = cursor.fetchone()[0]
    cursor.execute(f"SELECT count(*) FROM incidents_ticket WHERE due_at <= now() AND NOT ({_BENCH})", [])
    foreign_due = cursor.fetchone()[0]
    return {"total": total, "due": due, "other_due": other_due, "swept": swept, "events": events,
            "foreign_due": foreign_due}


def delete_bench_rows(cursor):
    cursor.execute(_DIGESTS_DELETE_SQL, [])
    for table in ("incidents_notification", "incidents_ticketevent", "incidents_routingrequest"):
        cursor.execute(f"DELETE FROM {table} WHERE ticket_id IN ({_BENCH_IDS})", [])
    cursor.execute(f"DELETE FROM incidents_ticket WHERE {_BENCH}", [])


def generate(cursor):
    """Insert the TICKETS rows in batches of GENERATE_BATCH; return seconds spent."""
    from django.db import transaction

    from incidents.models import Category, TimeLimit, Urgency

    limit = TimeLimit.default(Urgency.ORDINARY)
    params = {"category": Category.objects.get(code=CATEGORY).pk, "sign": limit.sign_minutes,
              "handle": limit.handle_minutes, "verify": limit.verify_minutes, "clock": limit.clock_time}
    started = time.perf_counter()
    for first in range(1, TICKETS + 1, GENERATE_BATCH):
        with transaction.atomic():
            cursor.execute("SELECT setseed(%s)", [SEED + first // GENERATE_BATCH / 100])
            cursor.execute(_GRIDS_SQL)
            cursor.execute("SELECT count(*) FROM bench_grid")
            params["grids"] = cursor.fetchone()[0]
            cursor.execute(_INSERT_SQL, {**params, "first": first, "last": min(first + GENERATE_BATCH - 1, TICKETS)})
    return time.perf_counter() - started


def compact(cursor):
    """VACUUM ANALYZE and REINDEX the tables the sweep writes; return seconds spent (autocommit).

    Every run then starts from the same physical state: without REINDEX the indexes of
    incidents_ticket grow by page splits with each sweep-and-reset cycle (354 MB after
    generation, 410 MB after eight cycles, 253 MB rebuilt), and the sweep slows with them.
    """
    started = time.perf_counter()
    for table in ("incidents_ticket", "incidents_ticketevent", "incidents_notification"):
        cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute(f"REINDEX TABLE {table}")
    return time.perf_counter() - started


def prepare_dataset():
    """Make exactly OVERDUE of the TICKETS bench rows due and none swept; return what was done."""
    from django.db import connection, transaction

    done = {"generated": None, "deleted": 0, "reset": 0, "refreshed": 0}
    with connection.cursor() as cursor:
        state = dataset_state(cursor)
        if state["total"] not in (0, TICKETS):
            with transaction.atomic():
                delete_bench_rows(cursor)
            done["deleted"] = state["total"]
            state = dataset_state(cursor)
        if state["total"] == 0:
            done["generated"] = generate(cursor)
        else:
            with transaction.atomic():
                if state["swept"] or state["events"]:  # an earlier run stopped before its reset
                    done["reset"] = reset(cursor)
                if state["other_due"]:
                    cursor.execute(_REFRESH_SQL, [])
                    done["refreshed"] = cursor.rowcount
        if done["generated"] is not None or done["reset"] or done["refreshed"] or done["deleted"]:
            done["compact"] = compact(cursor)
        state = dataset_state(cursor)
    counts = (state["total"], state["due"], state["other_due"], state["swept"], state["events"])
    if counts != (TICKETS, OVERDUE, 0, 0, 0):
        raise RuntimeError(f"bench tickets not in their starting state after preparation: {state}")
    done["state"] = state
    return done


def reset(cursor):
    """Put the swept rows back (see _RESET_SQL); return how many rows were reset."""
    cursor.execute(_DIGESTS_DELETE_SQL, [])
    for table in ("incidents_notification", "incidents_ticketevent"):
        cursor.execute(f"DELETE FROM {table} WHERE ticket_id IN ({_BENCH_IDS})", [])
    cursor.execute(_RESET_SQL, [])
    return cursor.rowcount


# --- the sweep --------------------------------------------------------------------------------


def timed_sweep():
    """Call overdue_escalate() once; return (result, seconds, {statement: [seconds, calls]}).

    Statements are timed with an execute wrapper, commits by wrapping the connection's commit
    (deferred foreign-key checks run there); the rest of the call is Python.
    """
    from django.db import connections

    from incidents import sweeps

    names = {sweeps._CLAIM_SQL: "claim (SELECT … FOR UPDATE SKIP LOCKED)",
             sweeps._ESCALATE_SQL: "escalate (UPDATE … FROM unnest)",
             sweeps._MARK_SQL: "mark overdue (UPDATE)",
             sweeps._EVENTS_SQL: "events (INSERT … SELECT unnest)",
             sweeps._NOTIFY_SQL: "notifications (INSERT … SELECT unnest)"}
    spent = {name: [0.0, 0] for name in [*names.values(), "commit (incl. deferred FK checks)", "other SQL"]}
    clock = time.perf_counter

    def record(execute, sql, params, many, context):
        start = clock()
        try:
            return execute(sql, params, many, context)
        finally:
            entry = spent[names.get(sql, "other SQL")]
            entry[0] += clock() - start
            entry[1] += 1

    connection = connections["default"]
    commit = connection.commit

    def timed_commit():
        start = clock()
        try:
            return commit()
        finally:
            entry = spent["commit (incl. deferred FK checks)"]
            entry[0] += clock() - start
            entry[1] += 1

    connection.commit = timed_commit
    try:
        with connection.execute_wrapper(record):
            started = clock()
            result = sweeps.overdue_escalate()
            seconds = clock() - started
    finally:
        del connection.commit
    return result, seconds, spent


def verify(result, foreign_due):
    """Return a list of problems: counts, overdue_count, one event and two notifications each."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT count(*) FILTER (WHERE overdue_count > 0),
                   count(*) FILTER (WHERE overdue_count = 1 AND status = 'accepted' AND due_kind = 'handle'
                                      AND due_at > now() AND handling_unit_id = so.id
                                      AND substr(number, 6)::int %% {OVERDUE_EVERY} = 0),
                   count(*) FILTER (WHERE due_at <= now())
              FROM incidents_ticket t
              LEFT JOIN accounts_handlingunit so ON so.area_id = t.street_id AND so.kind = 'street_office'
             WHERE t.{_BENCH}""", [])
        touched, moved, still_due = cursor.fetchone()
        cursor.execute(f"""
            SELECT count(*), count(DISTINCT ticket_id), count(*) FILTER (WHERE action = 'overdue_escalate')
              FROM incidents_ticketevent WHERE ticket_id IN ({_BENCH_IDS})""", [])
        events, event_tickets, escalate_events = cursor.fetchone()
        cursor.execute(f"""
            SELECT count(*) FILTER (WHERE kind = 'overdue'), count(*) FILTER (WHERE kind = 'escalated'),
                   count(DISTINCT n.id)
              FROM incidents_notification n CROSS JOIN unnest(n.digest_ticket_ids) AS listed(id)
             WHERE listed.id IN ({_BENCH_IDS})""", [])
        overdue_notes, escalated_notes, digests = cursor.fetchone()
    problems = []
    handled = result["escalated"] + result["marked_overdue"]
    if handled != OVERDUE + foreign_due:
        problems.append(f"the sweep handled {handled} tickets; {OVERDUE} bench tickets (+{foreign_due} others) "
                        "were due")
    if result["escalated"] < OVERDUE:
        problems.append(f"only {result['escalated']} tickets escalated; every bench ticket has a superior")
    if touched != OVERDUE or moved != OVERDUE:
        problems.append(f"{touched} bench tickets have overdue_count > 0 and {moved} of the past-due ones were moved "
                        f"to their street office with overdue_count 1 and a new handle deadline; expected {OVERDUE}")
    if still_due:
        problems.append(f"{still_due} bench tickets are still due after the sweep")
    if (events, event_tickets, escalate_events) != (OVERDUE, OVERDUE, OVERDUE):
        problems.append(f"{events} events on {event_tickets} tickets, {escalate_events} 'overdue_escalate'; "
                        f"expected one 'overdue_escalate' event on each of {OVERDUE}")
    if (overdue_notes, escalated_notes) != (OVERDUE, OVERDUE):
        problems.append(f"digest notices list {overdue_notes} tickets as 'overdue', {escalated_notes} as "
                        f"'escalated'; expected {OVERDUE} of each")
    return problems, {"events": events, "digests": digests}


def claim_plan():
    """Return the EXPLAIN (ANALYZE, BUFFERS) lines of the first claim, rolled back."""
    from django.db import connection, transaction
    from django.utils import timezone

    from incidents import sweeps

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sweeps._CLAIM_SQL}",
                       [timezone.now(), list(sweeps.OVERDUE.sources), 5000])
        plan = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    return plan


def wal_written():
    """Return the WAL written by the whole cluster so far (pg_stat_wal), as a WalCount."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT wal_bytes, wal_fpi FROM pg_stat_wal")
        return WalCount(*cursor.fetchone())


class WalCount(tuple):
    """(bytes, full-page images) of WAL; subtracting two gives what was written in between."""

    def __new__(cls, written, full_pages):
        return super().__new__(cls, (int(written), int(full_pages)))

    def __sub__(self, other):
        return WalCount(self[0] - other[0], self[1] - other[1])

    def __str__(self):
        return f"{self[0] / 2**20:,.0f} MiB WAL, {self[1]:,} full-page images"


def table_sizes():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""SELECT pg_size_pretty(pg_table_size('incidents_ticket')),
                                 pg_size_pretty(pg_indexes_size('incidents_ticket')),
                                 (SELECT count(*) FROM pg_indexes WHERE tablename = 'incidents_ticket')""")
        return cursor.fetchone()


# --- report ---------------------------------------------------------------------------------


def main():
    import django

    database = locate.ensure_database()
    django.setup()
    migrated, seeded = locate.migrate_and_seed()
    require_command_centres()
    seeding = "already loaded" if seeded is None else f"seeded now in {seeded:.1f} s; migrations {migrated:.1f} s"

    from django.db import connection, transaction

    done = prepare_dataset()
    foreign_due = done["state"]["foreign_due"]
    plan = claim_plan()
    wal_before, load_before = wal_written(), os.getloadavg()[0]
    result, seconds, spent = timed_sweep()
    wal_single = wal_written() - wal_before
    problems, written = verify(result, foreign_due)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        with transaction.atomic():
            reset_rows = reset(cursor)
        reset_seconds = time.perf_counter() - started
        reset_compact = compact(cursor)
        foreign_due_parallel = dataset_state(cursor)["foreign_due"]  # the single sweep handled those
    # What the beat task runs: SWEEP_WORKERS sweeps at once (then reset again for the next run).
    from django.conf import settings

    from incidents.sweeps import overdue_escalate_parallel

    wal_before, load_parallel = wal_written(), os.getloadavg()[0]
    started = time.perf_counter()
    parallel_result = overdue_escalate_parallel()
    parallel_seconds = time.perf_counter() - started
    wal_parallel = wal_written() - wal_before
    parallel_problems, _ = verify(parallel_result, foreign_due_parallel)
    with connection.cursor() as cursor:
        with transaction.atomic():
            reset(cursor)
        compact(cursor)
    heap, indexes, index_count = table_sizes()

    if done["generated"] is not None:
        dataset = f"generated now in {done['generated']:.1f} s (then VACUUM ANALYZE + REINDEX {done['compact']:.1f} s)"
    else:
        dataset = "already there, generation skipped"
        if done["reset"] or done["refreshed"]:
            dataset += (f"; {done['reset']} rows left swept by an interrupted run reset, {done['refreshed']} "
                        f"deadlines that had come due moved ahead again (VACUUM + REINDEX {done['compact']:.1f} s)")
    if done["deleted"]:
        dataset += f"; {done['deleted']} bench rows of a different count deleted first"
    rate = OVERDUE / seconds

    print(f"\n## Escalation sweep (1 M open tickets) — database {database}\n")
    for label, value in locate.machine().items():
        print(f"- {label}: {value}")
    print(f"- demo city: {locate.GRIDS} grids ({seeding})")
    print(f"- dataset: {TICKETS:,} open tickets BENCH1…BENCH{TICKETS} ({dataset}): status accepted, due_kind "
          f"handle at the community committee of a random grid; {OVERDUE:,} past due (up to 3 days), the rest "
          f"due in 1–30 days; incidents_ticket {heap} heap + {indexes} in {index_count} indexes")
    print(f"- other tickets due when the sweep started (swept too): {foreign_due}")
    print("- one call of incidents.sweeps.overdue_escalate() (batches of 5,000), timed in-process\n")
    print("| tickets | overdue | escalated | marked only | sweep s | rows/s | target < 10 s |")
    print("|--:|--:|--:|--:|--:|--:|---|")
    print(f"| {TICKETS:,} | {OVERDUE:,} | {result['escalated']:,} | {result['marked_overdue']:,} | {seconds:.2f} | "
          f"{rate:,.0f} | {'PASS' if seconds < TARGET_SECONDS else 'FAIL'} |")
    print(f"| same, {settings.SWEEP_WORKERS} sweeps at once (overdue_escalate_parallel, what beat runs) | | "
          f"{parallel_result['escalated']:,} | {parallel_result['marked_overdue']:,} | {parallel_seconds:.2f} | "
          f"{OVERDUE / parallel_seconds:,.0f} | {'PASS' if parallel_seconds < TARGET_SECONDS else 'FAIL'} |")
    print(f"\nWAL written by the cluster during the sweep: one sweep {wal_single}; {settings.SWEEP_WORKERS} sweeps "
          f"{wal_parallel}. Load average (1 min) when each started: {load_before:.2f}, {load_parallel:.2f} "
          f"on {os.cpu_count()} cores.")
    print(f"\nsweep < {TARGET_SECONDS:g} s: one sweep {'PASS' if seconds < TARGET_SECONDS else 'FAIL'} "
          f"({seconds:.2f} s); parallel {'PASS' if parallel_seconds < TARGET_SECONDS else 'FAIL'} "
          f"({parallel_seconds:.2f} s){'; WRONG RESULT in the parallel run' if parallel_problems else ''}")

    accounted = sum(entry[0] for entry in spent.values())
    print("\nwhere the time goes (per statement kind, summed over the batches):\n")
    print("| part | calls | seconds | share |")
    print("|---|--:|--:|--:|")
    for name, (part, calls) in spent.items():
        if calls:
            print(f"| {name} | {calls} | {part:.2f} | {100 * part / seconds:.0f} % |")
    python = seconds - accounted
    print(f"| Python (row lists, deadlines) | | {python:.2f} | {100 * python / seconds:.0f} % |")

    if problems:
        print("\nWRONG RESULT:")
        for problem in problems:
            print(f"- {problem}")
    else:
        print(f"\nresult checked: {OVERDUE:,} escalated = the past-due rows; each now at its street office with "
              f"overdue_count 1, a new handle deadline and one 'overdue_escalate' event ({written['events']:,} "
              f"events; {written['digests']:,} digest notices, one per unit and kind per batch, listing each "
              "ticket once as 'overdue' to its committee and once as 'escalated' to its street office)")
    print(f"\nreset: {reset_rows:,} rows back to their generated state, their events and notifications deleted, "
          f"in {reset_seconds:.1f} s; VACUUM ANALYZE + REINDEX {reset_compact:.1f} s (the next run starts from the "
          "same physical state)")

    used = sorted(set(re.findall(r"Index (?:Only )?Scan (?:Backward )?(?:using|on) (\w+)", "\n".join(plan))))
    print("\nplan of the first claim (EXPLAIN ANALYZE, BUFFERS; rolled back), abridged:\n")
    shown = plan[:PLAN_LINES] + (["    ..."] if len(plan) > PLAN_LINES + 2 else []) + \
        [line for line in plan[PLAN_LINES:] if line.startswith(("Planning Time", "Execution Time"))]
    print("\n".join(f"    {line}" for line in shown))
    print(f"\nindexes used: {', '.join(used) or 'none (sequential scan)'}; partial index ticket_due_idx used: "
          f"{'yes' if 'ticket_due_idx' in used else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
