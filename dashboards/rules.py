"""The dashboards' counting rules, and the two SQL texts that apply them: the ticket triggers and the rebuild.

What a ticket *is* counts from its row as it stands (`standing`): reported on the day it was
reported; closed, closed on time, rejected and rated on the day it was closed (a reopened ticket
leaves these); its status now, for its grid and for the unit that closed it. What *happened* to
it counts on the day it happened: a missed deadline (`MISSED_DEADLINE_ACTIONS`), a dispatch and
a return (`ENTERED`); for units a dispatch counts for the unit receiving it, a missed deadline
and a return against the unit that held the ticket before (`UNIT_OCCURRENCES`). Every grid
figure is added at each area level (`PREFIX_LENGTHS`, by `dashboards_prefixes`) and the flow
once more under ALL_CATEGORIES (by the fold, services.py).

1. The trigger functions (`FUNCTIONS`) turn the row changes of each statement on incidents_ticket
   into deltas: what the new row is minus what the old row was, and what happened from the
   difference of the two. Migrations install them as text frozen on the day they were written
   (0006); tests/dashboards/test_rules.py fails while the installed functions differ from
   these, so a changed rule ships with a migration.
2. The rebuild (`REBUILD`) appends the same deltas computed from the stored tickets (what they
   are) and their events (what happened), for services.rollups_rebuild.
"""

from dataclasses import dataclass

from django.conf import settings

from grids.models import Area
from incidents.models import Ticket

from .models import DailyFlow, UnitDailyFlow

S = Ticket.Status
# Closed as done. A rejected ticket is closed too (closed_at is set) but counts as rejected.
DONE = (S.CLOSED, S.RATED)
# The occurrences counted when a ticket moves into a status: measure → status.
ENTERED = {"dispatched": S.DISPATCHED, "returned": S.RETURNED}
# The escalation sweep's events (incidents.sweeps): a deadline missed, the ticket moved up or not.
MISSED_DEADLINE_ACTIONS = ("overdue", "overdue_escalate")
# Which unit an occurrence counts for: UnitDailyFlow measure → (occurrence, the unit "after" the
# change or the one "before" it).
UNIT_OCCURRENCES = {"received": ("dispatched", "after"), "overdue": ("overdue", "before"),
                    "returned": ("returned", "before")}
# The scope prefixes a grid code is counted under: its area levels' (Area.SCOPE_PREFIX_LENGTH) and ''.
PREFIX_LENGTHS = (0, *sorted(set(Area.SCOPE_PREFIX_LENGTH.values())))


@dataclass(frozen=True)
class Delta:
    """A delta table: appended by the triggers and the rebuild, moved into its rollup by the fold."""

    name: str
    table: str
    key: tuple
    measures: tuple
    keep: str = ""  # the keys worth appending

    def insert(self, branches):
        """Return the INSERT of the sums per key of this table's `branches` ((delta, key, {measure:
        expression}, source)); keys that net to zero are not appended."""
        selects = "\n        UNION ALL ".join(
            f"SELECT {', '.join((*key, *(values.get(m, '0') for m in self.measures)))}\n                  FROM {source}"
            for delta, key, values, source in branches if delta is self
        )
        sums = ", ".join(f"sum({m})" for m in self.measures)
        keep = f"\n         WHERE {self.keep}" if self.keep else ""
        return f"""INSERT INTO {self.table} ({", ".join((*self.key, *self.measures))})
        SELECT {", ".join(self.key)}, {sums}
          FROM (SELECT {selects[len("SELECT "):]}
               ) AS b({", ".join((*self.key, *self.measures))}){keep}
         GROUP BY {", ".join(self.key)}
        HAVING ROW({sums}) <> ROW({", ".join("0" for _ in self.measures)})"""


FLOW = Delta("flow", "dashboards_flowdelta", ("grid_code", "day", "category_id"), DailyFlow.MEASURES,
             "grid_code IS NOT NULL")
STATE = Delta("state", "dashboards_statedelta", ("grid_code", "status"), ("tickets", "overdue_tickets"))
UNIT = Delta("unit", "dashboards_unitdelta", ("unit_id", "day"), UnitDailyFlow.MEASURES, "unit_id IS NOT NULL")
DELTAS = (FLOW, STATE, UNIT)


def _quoted(value):
    return "'" + str(value).replace("'", "''") + "'"


def _in(column, values):
    return f"{column} IN ({', '.join(map(_quoted, values))})"


def _count(condition):
    return f"({condition})::int"


def _entered(status, new, old):
    return f"{new} = {_quoted(status)} AND {old} IS DISTINCT FROM {_quoted(status)}"


def local_day(column):
    """Return the local day of the timestamp `column` (the days of every figure are local days)."""
    return f"({column} AT TIME ZONE {_quoted(settings.TIME_ZONE)})::date"


def standing(t):
    """Return what one ticket row counts as it stands: [(delta, key, {measure: expression}, condition or None)].

    `t` names the row's columns and its local `created_day` and `closed_day` in the query at hand.
    """
    done = _in(t["status"], DONE)
    closure = {
        "closed": _count(done),
        "closed_on_time": _count(f"{done} AND {t['overdue_count']} = 0"),
        "rejected": _count(f"{t['status']} = {_quoted(S.REJECTED)}"),
        "rated": _count(f"{t['satisfaction']} <> ''"),
        "satisfied": _count(f"{t['satisfaction']} = {_quoted(Ticket.Satisfaction.SATISFIED)}"),
        "basically_satisfied": _count(f"{t['satisfaction']} = {_quoted(Ticket.Satisfaction.BASICALLY)}"),
    }
    closed = f"{t['closed_at']} IS NOT NULL"
    return [
        (FLOW, (t["area_code"], t["created_day"], t["category_id"]), {"reported": "1"}, None),
        (FLOW, (t["area_code"], t["closed_day"], t["category_id"]), closure, closed),
        (STATE, (t["area_code"], t["status"]),
         {"tickets": "1", "overdue_tickets": _count(f"{t['overdue_count']} > 0")}, None),
        (UNIT, (t["handling_unit_id"], t["closed_day"]), closure, closed),
    ]


def _occurrence_branches(happened, counts, t):
    """Return the branches [(delta, key, {measure: expression}, condition)] of what happened.

    `happened` and `counts` give each occurrence's condition and count; `t` names the ticket's
    grid code, category, the day it happened and the units after and before.
    """
    def where(names):
        return " OR ".join(f"({happened[name]})" for name in names)

    branches = [(FLOW, (t["area_code"], t["day"], t["category_id"]), counts, where(counts))]
    for whose in ("after", "before"):
        measures = {measure: counts[name] for measure, (name, side) in UNIT_OCCURRENCES.items() if side == whose}
        names = [name for name, side in UNIT_OCCURRENCES.values() if side == whose]
        branches.append((UNIT, (t[whose], t["day"]), measures, where(names)))
    return branches


# --- the trigger functions ----------------------------------------------------------------------

# The ticket columns the rules read, and the local days of the pairs.
TICKET_COLUMNS = ("area_code", "category_id", "status", "closed_at", "satisfaction", "overdue_count",
                  "handling_unit_id")
PAIR_DAYS = (("n", "created"), ("o", "created"), ("n", "closed"), ("o", "closed"), ("n", "updated"))
# The missing side of an INSERT's or a DELETE's pairs.
EMPTY = "(SELECT * FROM incidents_ticket WHERE false)"


def _side(side):
    """Return the names of one side's columns in `pair` (n: the new row, o: the old one)."""
    return {**{c: f"{side}_{c}" for c in TICKET_COLUMNS},
            **{f"{day}_day": f"{side}_{day}_day" for of, day in PAIR_DAYS if of == side}}


def _pair_branches():
    """Return the branches of a statement's changes read from `pair`: [(delta, key, measures, condition)].

    1. Each side counts what it is, the new row added and the old one subtracted, only where
       that contribution changed (its key, figures or condition): an escalation skips the
       reported and closure branches entirely.
    2. What happened is read from the difference of the two sides, on the new row's day.
    """
    branches = []
    for new, old in zip(standing(_side("n")), standing(_side("o"))):
        compared = [[*key, *(measures[m] for m in delta.measures if m in measures), *filter(None, [condition])]
                    for delta, key, measures, condition in (new, old)]
        changed = f"ROW({', '.join(compared[0])}) IS DISTINCT FROM ROW({', '.join(compared[1])})"
        for side, (delta, key, measures, condition), sign in (("n", new, ""), ("o", old, "-")):
            where = " AND ".join([f"{side}_status IS NOT NULL", *filter(None, [condition]), changed])
            branches.append((delta, key, {m: f"{sign}{v}" for m, v in measures.items()}, where))
    happened = {"overdue": "n_overdue_count IS DISTINCT FROM o_overdue_count",
                **{measure: _entered(status, "n_status", "o_status") for measure, status in ENTERED.items()}}
    counts = {"overdue": "n_overdue_count - coalesce(o_overdue_count, 0)",
              **{measure: _count(happened[measure]) for measure in ENTERED}}
    changes = {"area_code": "n_area_code", "category_id": "n_category_id", "day": "n_updated_day",
               "after": "n_handling_unit_id", "before": "coalesce(o_handling_unit_id, n_handling_unit_id)"}
    return branches + [(delta, key, measures, f"n_status IS NOT NULL AND ({condition})")
                       for delta, key, measures, condition in _occurrence_branches(happened, counts, changes)]


def deltas_sql(new, old):
    """Return the statement appending the deltas of the row changes `old` → `new` (relations of tickets).

    `pair` joins each changed row's old and new version (an absent side is all NULL) and
    computes their local days once; each delta table gets one INSERT of its branches' sums.
    """
    operation = "DELETE" if new == EMPTY else "INSERT" if old == EMPTY else "UPDATE"
    join = {"UPDATE": "JOIN", "INSERT": "LEFT JOIN", "DELETE": "RIGHT JOIN"}[operation]
    pair_columns = ",\n               ".join(
        [f"{side}.{c} AS {side}_{c}" for c in TICKET_COLUMNS for side in "no"]
        + [f"{local_day(f'{side}.{day}_at')} AS {side}_{day}_day" for side, day in PAIR_DAYS]
    )
    compared = (*TICKET_COLUMNS, "created_at")
    branches = [(delta, key, measures, f"pair\n                 WHERE {where}")
                for delta, key, measures, where in _pair_branches()]
    *first, last = DELTAS
    ctes = "".join(f", {delta.name} AS (\n        {delta.insert(branches)}\n    )" for delta in first)
    return f"""
    WITH pair AS MATERIALIZED (
        SELECT {pair_columns}
          FROM {new} n {join} {old} o ON o.id = n.id
         WHERE ROW({", ".join(f"n.{c}" for c in compared)})
               IS DISTINCT FROM ROW({", ".join(f"o.{c}" for c in compared)})
    ){ctes}
    {last.insert(branches)}"""


@dataclass(frozen=True)
class Function:
    """A database function as pg_get_functiondef prints it back."""

    signature: str
    returns: str
    language: str
    attributes: str
    body: str

    @property
    def name(self):
        return self.signature.split("(")[0]

    def create_sql(self):
        attributes = f"\n {self.attributes}" if self.attributes else ""
        return (f"CREATE OR REPLACE FUNCTION public.{self.signature}\n RETURNS {self.returns}\n"
                f" LANGUAGE {self.language}{attributes}\nAS $function${self.body}$function$\n")


# The statement of a trigger function is planned above jit_above_cost once a few thousand rows
# change, and JIT compiles its many expressions anew at every call: 0.6-1.1 s of a 5,000-row
# escalation batch against 0.15-0.3 s to run it (docs/benchmarks.md, escalation sweep).
NO_JIT = "SET jit TO 'off'"


def _trigger_function(operation):
    """Return the trigger function for INSERT, UPDATE or DELETE (transition tables differ by operation)."""
    new = EMPTY if operation == "DELETE" else "new_rows"
    old = EMPTY if operation == "INSERT" else "old_rows"
    return Function(f"dashboards_ticket_{operation.lower()}()", "trigger", "plpgsql", NO_JIT,
                    f"\nBEGIN{deltas_sql(new, old)};\n    RETURN NULL;\nEND\n")


PREFIXES = Function(
    "dashboards_prefixes(code text)", "SETOF text", "sql", "IMMUTABLE PARALLEL SAFE",
    f" SELECT left(code, n) FROM unnest(ARRAY[{', '.join(map(str, PREFIX_LENGTHS))}]) AS n WHERE n <= length(code) ",
)
# The trigger on TRUNCATE (empty the rollups too) holds no counting rule: it stays as migration 0002 made it.
FUNCTIONS = (PREFIXES, *(_trigger_function(op) for op in ("INSERT", "UPDATE", "DELETE")))


def install_sql():
    """Return the statements (re)creating every function of FUNCTIONS: what a migration freezes when the rules change."""
    return ";\n".join(function.create_sql() for function in FUNCTIONS) + ";\n"


# --- the rebuild --------------------------------------------------------------------------------

_STORED = {**{c: c for c in TICKET_COLUMNS}, "created_day": local_day("created_at"),
           "closed_day": local_day("closed_at")}
_HAPPENED = {"overdue": _in("action", MISSED_DEADLINE_ACTIONS),
             **{measure: _entered(status, "to_status", "from_status") for measure, status in ENTERED.items()}}
# The events with their ticket's place and category and the unit that held the ticket before
# each (the previous event's unit: every event is taken into account for that).
_EVENTS = """(SELECT e.*, t.area_code, t.category_id,
                      lag(e.unit_id) OVER (PARTITION BY e.ticket_id ORDER BY e.created_at, e.id) AS holder
                 FROM incidents_ticketevent e JOIN incidents_ticket t ON t.id = e.ticket_id) AS e"""


def _rebuild_branches():
    """Return what every stored ticket is and what its events say happened, as branches."""
    branches = [(delta, key, measures, f"incidents_ticket{f' WHERE {condition}' if condition else ''}")
                for delta, key, measures, condition in standing(_STORED)]
    events = {"area_code": "area_code", "category_id": "category_id", "day": local_day("created_at"),
              "after": "unit_id", "before": "holder"}
    counts = {name: _count(condition) for name, condition in _HAPPENED.items()}
    return branches + [(delta, key, measures, f"{_EVENTS} WHERE {condition}")
                       for delta, key, measures, condition in _occurrence_branches(_HAPPENED, counts, events)]


REBUILD = tuple(delta.insert(_rebuild_branches()) for delta in DELTAS)
