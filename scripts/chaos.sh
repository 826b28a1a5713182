#!/usr/bin/env bash
# `make chaos`: the real stack under faults, one table (docs/resilience.md). Not part of `make test`.
#
# The faults stop and restart PostgreSQL and Redis, so this runs a stack of its own — never the
# servers `make run` and `make test` share: a cluster, a Redis, keys and logs under .local/chaos/,
# on ports of their own (GOVPORTAL_CHAOS_PG_PORT, GOVPORTAL_CHAOS_REDIS_PORT), stopped at the end.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export GOVPORTAL_LOCAL="$ROOT/.local/chaos"
export GOVPORTAL_PG_PORT=${GOVPORTAL_CHAOS_PG_PORT:-54391}
export GOVPORTAL_REDIS_PORT=${GOVPORTAL_CHAOS_REDIS_PORT:-56391}
unset DATABASE_URL REDIS_URL  # servers named from outside are not ours to stop
source "$ROOT/scripts/lib.sh"

[ "$PG_PORT" != 54329 ] && [ "$REDIS_PORT" != 56379 ] \
  || die "make chaos needs ports of its own, not the shared 54329 / 56379"
port_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
own_redis_running() { [ -s "$LOCAL/redis.pid" ] && kill -0 "$(cat "$LOCAL/redis.pid")" 2>/dev/null; }
if port_answers "$PG_PORT" && ! pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
  die "port $PG_PORT is taken by another server; choose GOVPORTAL_CHAOS_PG_PORT"
fi
if port_answers "$REDIS_PORT" && ! own_redis_running; then
  die "port $REDIS_PORT is taken by another server; choose GOVPORTAL_CHAOS_REDIS_PORT"
fi

trap 'stop_redis; [ -d "$PG_DATA" ] && stop_postgres' EXIT
provision requirements-dev.txt 0
export DJANGO_SETTINGS_MODULE=govportal.settings.chaos
"$PY" "$ROOT/bench/chaos.py" "$@"
