"""Dashboards read from a streaming replica; everything else reads and writes the primary.

A city's leaders watch the dashboards all day; their aggregate reads are the load a replica takes
off the primary (docs/deploy.md §4). Only the dashboards' selectors read there, marked with
`@from_replica`: a workflow must never decide on data a replica has not replayed yet, so the router
sends a read to the replica only inside such a call and only when `FIGURES_DATABASE` names one.
A replica that falls behind is shown, not hidden: `replica_lag_seconds()` tells the pages how old
their figures are.
"""

import contextvars
import functools

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

REPLICA = "replica"
_reading_figures = contextvars.ContextVar("reading_figures", default=False)

# Seconds the replica has not replayed yet: none when it has replayed all it received (an idle
# primary sends nothing, and the age of the last replayed commit would only measure the quiet).
_LAG_SQL = """
    SELECT CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END
"""


def figures_database():
    """Return the alias the dashboards read from (the primary's when no replica is configured)."""
    return settings.FIGURES_DATABASE


def reading_a_replica():
    """Return whether the reads of this call go to a replica (inside `@from_replica`, a replica configured)."""
    return _reading_figures.get() and figures_database() != DEFAULT_DB_ALIAS


def from_replica(selector):
    """Let `selector`'s reads (and the reads of what it calls) go to the figures database.

    A replica's connection breaks when the replica goes away or is promoted (HAProxy then closes
    its sessions); the read is tried once more on a new connection, which the load balancer gives
    to a replica still serving.
    """
    @functools.wraps(selector)
    def reading_figures(*args, **kwargs):
        token = _reading_figures.set(True)
        try:
            try:
                return selector(*args, **kwargs)
            except (OperationalError, InterfaceError):
                if not reading_a_replica():
                    raise
                connections[figures_database()].close()
                return selector(*args, **kwargs)
        finally:
            _reading_figures.reset(token)
    return reading_figures


def replica_lag_seconds():
    """Return how many seconds the figures' database is behind the primary (0 for the primary itself)."""
    alias = figures_database()
    if alias == DEFAULT_DB_ALIAS:
        return 0.0
    with connections[alias].cursor() as cursor:
        cursor.execute(_LAG_SQL)
        return float(cursor.fetchone()[0])


def figures_lag_to_show():
    """Return the seconds the dashboards' figures lag behind when above the warning threshold, else None."""
    lag = replica_lag_seconds()
    return lag if lag > settings.REPLICA_LAG_WARNING_SECONDS else None


class ReplicaRouter:
    """Reads inside `@from_replica` go to the figures database; all else, writes and migrations to the primary."""

    def db_for_read(self, model, **hints):
        return figures_database() if _reading_figures.get() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database and its copy

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
