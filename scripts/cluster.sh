#!/usr/bin/env bash
# `make cluster` / `make cluster-status` / `make cluster-stop`: the multi-host layout of
# docs/deploy.md §4 on one machine, every part a process of its own on a port of its own, so that
# faults can be injected into each (`make failover`):
#
#   etcd ×3 ── Patroni ×3, each with a PostgreSQL+PostGIS (one primary, one synchronous and one
#              asynchronous replica; the primary's loss elects a replica within seconds)
#   HAProxy    :PRIMARY → the member whose Patroni answers /primary, :REPLICAS → /replica members,
#              :WEB → two gunicorn instances checked on /health/ready
#   PgBouncer  transaction pooling in front of HAProxy's primary port: what the app connects to
#   Redis, Celery workers by queue (routing, sweeps, notifications + default) and one beat
#
# Everything lives under .local/cluster/ (GOVPORTAL_CLUSTER_DIR) on ports from 55400
# (GOVPORTAL_CLUSTER_PORT_BASE). Not part of `make run` or `make test`.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CLUSTER=${GOVPORTAL_CLUSTER_DIR:-$ROOT/.local/cluster}
BASE=${GOVPORTAL_CLUSTER_PORT_BASE:-55400}
export GOVPORTAL_LOCAL="$CLUSTER/app"  # the app's keys, Redis and logs (scripts/lib.sh)
export GOVPORTAL_REDIS_PORT=$((BASE + 60))
unset REDIS_URL  # the cluster's own Redis, stopped with it
source "$ROOT/scripts/lib.sh"

CLUSTER_PACKAGES=(patroni etcd-server pgbouncer haproxy postgresql-15 postgresql-15-postgis-3 redis-server)
MEMBERS=(1 2 3)
etcd_client_port() { echo $((BASE + $1)); }
etcd_peer_port() { echo $((BASE + 10 + $1)); }
pg_port() { echo $((BASE + 20 + $1)); }
rest_port() { echo $((BASE + 30 + $1)); }
PRIMARY_PORT=$((BASE + 40))
REPLICAS_PORT=$((BASE + 41))
HAPROXY_STATS_PORT=$((BASE + 42))
PGBOUNCER_PORT=$((BASE + 45))
WEB_PORT=$((BASE + 50))
WEB_INSTANCES=(1 2)
web_port() { echo $((BASE + 50 + $1)); }
# Celery workers by queue: two for routing and the sweeps (either carries on when the other dies),
# one for notifications and the rest, so routing never waits behind a slow SMS gateway.
WORKERS=("routing-a:routing,sweeps" "routing-b:routing,sweeps" "notifications:celery,notifications")
RUN="$CLUSTER/run"
LOG="$CLUSTER/log"
PATRONICTL=(patronictl -c "$CLUSTER/pg1/patroni.yml")

etcd_hosts() {
  local m
  for m in "${MEMBERS[@]}"; do printf '127.0.0.1:%s,' "$(etcd_client_port "$m")"; done | sed 's/,$//'
}
port_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
running() { [ -s "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

# start NAME [--as-postgres] [--restart] COMMAND...: run COMMAND in a session of its own, its pid
# (the session's) in run/NAME.pid, its output in log/NAME.log. --restart starts it again a second
# after it exits, as a service manager does (Celery's beat and workers exit when the database or
# Redis stays away too long).
start() {
  local name=$1; shift
  local runner=() restart=0
  if [ "$1" = --as-postgres ]; then shift; [ "$(id -u)" -eq 0 ] && runner=(runuser -u postgres --); fi
  if [ "$1" = --restart ]; then shift; restart=1; fi
  running "$name" && return 0
  if [ "$restart" = 1 ]; then
    setsid bash -c 'while :; do "$@"; echo "exited ($?); starting again in 1 s"; sleep 1; done' _ "$@" \
      >>"$LOG/$name.log" 2>&1 < /dev/null &
  else
    setsid "${runner[@]}" "$@" >>"$LOG/$name.log" 2>&1 < /dev/null &
  fi
  echo $! > "$RUN/$name.pid"
}

# stop NAME [SIGNAL]: signal the process's session (its children, a restart loop) and wait up to 30 s.
stop() {
  running "$1" || { rm -f "$RUN/$1.pid"; return 0; }
  local pid
  pid=$(cat "$RUN/$1.pid")
  kill "-${2:-TERM}" -- "-$pid" 2>/dev/null || true
  for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$RUN/$1.pid"
}

wait_for() {  # wait_for SECONDS WHAT COMMAND...
  local seconds=$1 what=$2; shift 2
  for _ in $(seq $((seconds * 10))); do "$@" && return 0; sleep 0.1; done
  die "$what did not come up within $seconds s; see $LOG/"
}

secret() { local_secret "cluster_$1" random_password; }

write_private() {  # write_private FILE: standard input into FILE, readable by the postgres user only
  (umask 077; cat > "$1")
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$1"
  return 0
}

# --- etcd --------------------------------------------------------------------------------------

start_etcd() {
  local m initial=""
  for m in "${MEMBERS[@]}"; do initial+="etcd$m=http://127.0.0.1:$(etcd_peer_port "$m"),"; done
  for m in "${MEMBERS[@]}"; do
    local state=new
    [ -d "$CLUSTER/etcd$m/member" ] && state=existing
    start "etcd$m" etcd --name "etcd$m" --data-dir "$CLUSTER/etcd$m" \
      --listen-client-urls "http://127.0.0.1:$(etcd_client_port "$m")" \
      --advertise-client-urls "http://127.0.0.1:$(etcd_client_port "$m")" \
      --listen-peer-urls "http://127.0.0.1:$(etcd_peer_port "$m")" \
      --initial-advertise-peer-urls "http://127.0.0.1:$(etcd_peer_port "$m")" \
      --initial-cluster "${initial%,}" --initial-cluster-token govportal --initial-cluster-state "$state"
  done
  for m in "${MEMBERS[@]}"; do
    wait_for 30 "etcd member $m" curl -fs "http://127.0.0.1:$(etcd_client_port "$m")/health" -o /dev/null
  done
}

# --- PostgreSQL under Patroni -----------------------------------------------------------------

# The first primary's bootstrap: the application's role and database with PostGIS (in template1
# too, as scripts/lib.sh does: the test runner's databases inherit it). Patroni passes the
# superuser's connection URL; the password comes from the member's pgpass.
write_post_bootstrap() {
  write_private "$CLUSTER/post_bootstrap.sh" <<SCRIPT
#!/bin/sh
exec psql "\$1" -X -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE ROLE $PG_APP_ROLE LOGIN CREATEDB PASSWORD '$(secret app_password)';
\\c template1
CREATE EXTENSION postgis;
CREATE EXTENSION pg_trgm;
\\c postgres
CREATE DATABASE $PG_APP_DATABASE OWNER $PG_APP_ROLE;
\\c $PG_APP_DATABASE
ALTER SCHEMA public OWNER TO $PG_APP_ROLE;
-- Now, not spread over minutes: the replicas' base backups start from a checkpoint.
CHECKPOINT;
SQL
SCRIPT
  chmod 700 "$CLUSTER/post_bootstrap.sh"
}

# A member promoted to primary starts with empty dashboard delta tables: they are UNLOGGED
# (dashboards/migrations/0004), never replicated. Patroni calls this on every role change; on
# promotion it rebuilds the dashboards' rollups from the work orders (manage.py dashboards_rebuild).
write_role_change_callback() {  # write_role_change_callback MEMBER
  local m=$1
  write_private "$CLUSTER/pg$m/on_role_change.sh" <<SCRIPT
#!/bin/sh
case "\$2" in master|primary) ;; *) exit 0 ;; esac
cd "$ROOT"
export DJANGO_SETTINGS_MODULE=govportal.settings.base DJANGO_SECRET_KEY='$DJANGO_SECRET_KEY' \\
  FIELD_ENCRYPTION_KEY='$FIELD_ENCRYPTION_KEY' REDIS_URL='$REDIS_URL' \\
  DATABASE_URL='postgis://$PG_APP_ROLE:$(secret app_password)@127.0.0.1:$(pg_port "$m")/$PG_APP_DATABASE'
"$PY" manage.py migrate --check >/dev/null 2>&1 || exit 0  # not migrated yet: the first bootstrap
exec "$PY" manage.py dashboards_rebuild
SCRIPT
  chmod 700 "$CLUSTER/pg$m/on_role_change.sh"
}

write_patroni_config() {  # write_patroni_config MEMBER
  local m=$1 dir="$CLUSTER/pg$1"
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
  write_role_change_callback "$m"
  write_private "$dir/patroni.yml" <<YAML
scope: govportal
namespace: /govportal/
name: pg$m
log:
  level: INFO
restapi:
  listen: 127.0.0.1:$(rest_port "$m")
  connect_address: 127.0.0.1:$(rest_port "$m")
etcd3:
  hosts: $(etcd_hosts)
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 2
    retry_timeout: 4
    maximum_lag_on_failover: 1048576
    # A commit returns once the synchronous replica has it: a committed work order survives the
    # primary's loss, and Patroni promotes only a member that was synchronous.
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      parameters:
        max_connections: 200
        shared_buffers: 256MB
        wal_level: replica
        hot_standby: "on"
        wal_log_hints: "on"
        max_wal_senders: 10
        max_replication_slots: 10
        wal_keep_size: 512MB
  initdb:
    - encoding: UTF8
    - locale: C.UTF-8
    - auth: scram-sha-256
  pg_hba:
    - local all all scram-sha-256
    - host all all 127.0.0.1/32 scram-sha-256
    - host replication replicator 127.0.0.1/32 scram-sha-256
  post_bootstrap: $CLUSTER/post_bootstrap.sh
postgresql:
  listen: 127.0.0.1:$(pg_port "$m")
  connect_address: 127.0.0.1:$(pg_port "$m")
  data_dir: $dir/data
  bin_dir: $PG_BIN
  basebackup:
    - checkpoint: fast
  callbacks:
    on_role_change: $dir/on_role_change.sh
  pgpass: $dir/pgpass
  authentication:
    superuser:
      username: postgres
      password: $(secret superuser_password)
    replication:
      username: replicator
      password: $(secret replication_password)
    rewind:
      username: postgres
      password: $(secret superuser_password)
  parameters:
    unix_socket_directories: $dir
YAML
}

start_patroni() {
  write_post_bootstrap
  local m
  for m in "${MEMBERS[@]}"; do
    write_patroni_config "$m"
    start "patroni$m" --as-postgres patroni "$CLUSTER/pg$m/patroni.yml"
  done
}

# members_ready: a leader, a synchronous standby and a replica, all three running.
members_ready() {
  "${PATRONICTL[@]}" list -f json 2>/dev/null | "$PY" -c '
import json, sys
members = json.load(sys.stdin)
roles = sorted(member["Role"] for member in members if member["State"] == "running")
sys.exit(roles != ["Leader", "Replica", "Sync Standby"])'
}

# --- HAProxy and PgBouncer --------------------------------------------------------------------

write_haproxy_config() {
  local m w
  {
    cat <<CFG
global
    maxconn 2000
    pidfile $RUN/haproxy.pid
    log stdout format raw local0 info
defaults
    mode tcp
    log global
    timeout connect 2s
    timeout client 30m
    timeout server 30m
    timeout check 2s
    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
# Writes: whichever member Patroni's REST API calls the primary.
listen primary
    bind 127.0.0.1:$PRIMARY_PORT
    option httpchk
    http-check send meth GET uri /primary
    http-check expect status 200
CFG
    for m in "${MEMBERS[@]}"; do echo "    server pg$m 127.0.0.1:$(pg_port "$m") check port $(rest_port "$m")"; done
    cat <<CFG
# The dashboards' reads: the replicas, the primary only when none is running.
listen replicas
    bind 127.0.0.1:$REPLICAS_PORT
    balance roundrobin
    option httpchk
    http-check send meth GET uri /replica
    http-check expect status 200
CFG
    for m in "${MEMBERS[@]}"; do echo "    server pg$m 127.0.0.1:$(pg_port "$m") check port $(rest_port "$m")"; done
    echo "    server primary 127.0.0.1:$PRIMARY_PORT backup"
    cat <<CFG
# The web: two gunicorn instances, in service while their process answers /health/live (within 5 s,
# three checks in a row: its sync workers may all be waiting on the database for a moment). Not
# /health/ready: all instances share one database, and while it fails over they would all leave
# the pool at once, so clients would get the balancer's bare 503 instead of the app's own 503 with
# Retry-After. A request whose connection failed goes to the other instance.
listen web
    mode http
    bind 127.0.0.1:$WEB_PORT
    balance roundrobin
    timeout client 60s
    timeout server 60s
    timeout check 5s
    option httplog
    option redispatch
    retries 2
    # Requests are replayed only on a failed connection or a response cut off; a POST replayed
    # keeps its Idempotency-Key, so it never makes a second work order.
    option http-buffer-request
    retry-on all-retryable-errors
    option httpchk
    http-check send meth GET uri /health/live hdr Host 127.0.0.1
    http-check expect status 200
CFG
    for w in "${WEB_INSTANCES[@]}"; do
      echo "    server web$w 127.0.0.1:$(web_port "$w") check inter 1s fall 3 rise 2"
    done
    cat <<CFG
listen stats
    mode http
    bind 127.0.0.1:$HAPROXY_STATS_PORT
    stats enable
    stats uri /
CFG
  } > "$CLUSTER/haproxy.cfg"
}

write_pgbouncer_config() {
  mkdir -p "$CLUSTER/pgbouncer"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$CLUSTER/pgbouncer"
  printf '"%s" "%s"\n' "$PG_APP_ROLE" "$(secret app_password)" | write_private "$CLUSTER/pgbouncer/userlist.txt"
  write_private "$CLUSTER/pgbouncer/pgbouncer.ini" <<INI
[databases]
$PG_APP_DATABASE = host=127.0.0.1 port=$PRIMARY_PORT dbname=$PG_APP_DATABASE
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGBOUNCER_PORT
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $CLUSTER/pgbouncer/userlist.txt
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 40
server_connect_timeout = 2
server_login_retry = 1
# A client waits at most 5 s for a server connection (while a new primary is elected, say) and
# then gets an error, which the app answers with 503 and Retry-After: web workers are not all
# held for the length of a failover.
query_wait_timeout = 5
ignore_startup_parameters = extra_float_digits,options
logfile = $CLUSTER/pgbouncer/pgbouncer.log
INI
}

# --- the application ---------------------------------------------------------------------------

# app_secrets: the Redis URL, the secret key and the field key of the cluster's app (under .local/cluster/app).
app_secrets() {
  export REDIS_URL="redis://:$(cat "$LOCAL/redis_password")@127.0.0.1:$REDIS_PORT/0"
  ensure_secret_key
  ensure_field_encryption_key
}

app_environment() {
  local password
  password=$(secret app_password)
  export DJANGO_SETTINGS_MODULE=govportal.settings.base
  export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
  export DATABASE_URL="postgis://$PG_APP_ROLE:$password@127.0.0.1:$PGBOUNCER_PORT/$PG_APP_DATABASE"
  export DATABASE_REPLICA_URL="postgis://$PG_APP_ROLE:$password@127.0.0.1:$REPLICAS_PORT/$PG_APP_DATABASE"
  export DATABASE_BEHIND_PGBOUNCER=1
  DIRECT_DATABASE_URL="postgis://$PG_APP_ROLE:$password@127.0.0.1:$PRIMARY_PORT/$PG_APP_DATABASE"
}

start_web() {  # start_web N
  start "web$1" --restart "$VENV/bin/gunicorn" govportal.wsgi:application --config python:govportal.gunicorn_conf \
    --bind "127.0.0.1:$(web_port "$1")" --workers 4 --access-logfile "$LOG/web$1-access.log"
}

start_worker() {  # start_worker NAME (of WORKERS)
  local entry
  for entry in "${WORKERS[@]}"; do
    [ "${entry%%:*}" = "$1" ] || continue
    start "worker-$1" --restart "$VENV/bin/celery" -A govportal worker -Q "${entry#*:}" -n "$1@%h" \
      --concurrency 1 --loglevel INFO
    return 0
  done
  die "no worker named $1"
}

start_beat() {
  start beat --restart "$VENV/bin/celery" -A govportal beat --scheduler django_celery_beat.schedulers:DatabaseScheduler \
    --loglevel INFO --pidfile=
}

start_app() {
  local w entry
  for w in "${WEB_INSTANCES[@]}"; do start_web "$w"; done
  for entry in "${WORKERS[@]}"; do start_worker "${entry%%:*}"; done
  start_beat
}

# start_again NAME: start one process of a running cluster again (after `make failover` killed it).
start_again() {
  app_secrets
  app_environment
  cd "$ROOT"
  case "$1" in
    patroni[1-3]) start "$1" --as-postgres patroni "$CLUSTER/pg${1#patroni}/patroni.yml" ;;
    web[1-2]) start_web "${1#web}" ;;
    worker-*) start_worker "${1#worker-}" ;;
    beat) start_beat ;;
    *) die "cannot start $1 again" ;;
  esac
}

failover() {
  running haproxy && running web1 || die "the cluster is not running: make cluster"
  app_secrets
  app_environment
  export GOVPORTAL_CLUSTER_DIR="$CLUSTER" GOVPORTAL_CLUSTER_WEB_PORT="$WEB_PORT"
  export GOVPORTAL_CLUSTER_REST_PORTS="$(rest_port 1),$(rest_port 2),$(rest_port 3)"
  export GOVPORTAL_CLUSTER_STATS_PORT="$HAPROXY_STATS_PORT"
  cd "$ROOT"
  "$PY" bench/failover.py
}

# --- commands ----------------------------------------------------------------------------------

up() {
  ensure_packages "${RUNTIME_PACKAGES[@]}" "${CLUSTER_PACKAGES[@]}"
  ensure_venv requirements.txt
  ensure_node_assets
  mkdir -p "$CLUSTER" "$RUN"
  private_dir "$LOG"
  chmod 755 "$CLUSTER"  # the postgres user reaches its members' folders inside
  ensure_redis 0
  app_secrets
  say "starting etcd (3 members)"
  start_etcd
  say "starting PostgreSQL under Patroni (3 members)"
  start_patroni
  say "waiting for a primary and two streaming replicas (the first start runs initdb and the bootstrap)"
  wait_for 240 "a primary with two streaming replicas" members_ready
  say "starting HAProxy and PgBouncer"
  write_haproxy_config
  start haproxy haproxy -W -db -f "$CLUSTER/haproxy.cfg"
  write_pgbouncer_config
  start pgbouncer --as-postgres pgbouncer "$CLUSTER/pgbouncer/pgbouncer.ini"
  wait_for 30 "PgBouncer" port_answers "$PGBOUNCER_PORT"
  app_environment
  cd "$ROOT"
  "$PY" manage.py compilemessages --ignore=.venv -v 0
  say "migrating (on the primary directly) and loading the demo city"
  DATABASE_URL=$DIRECT_DATABASE_URL "$PY" manage.py migrate --no-input -v 0
  "$PY" manage.py collectstatic --no-input -v 0
  DATABASE_URL=$DIRECT_DATABASE_URL "$PY" manage.py seed_demo
  say "starting 2 web instances, 3 Celery workers and beat"
  start_app
  wait_for 60 "the load balancer's web" curl -fs "http://127.0.0.1:$WEB_PORT/health/ready" -o /dev/null
  status
  cat <<MSG

  govportal (cluster) is running at  http://127.0.0.1:$WEB_PORT/   (demo logins as for make run)
  HAProxy statistics:                http://127.0.0.1:$HAPROXY_STATS_PORT/
  make cluster-status    who leads, what runs
  make failover          the failover test (docs/resilience.md)
  make cluster-stop      stop everything (the data stays under $CLUSTER)

MSG
}

status() {
  "${PATRONICTL[@]}" list 2>/dev/null || say "Patroni does not answer"
  local name
  printf '%-24s %s\n' process state
  for name in etcd1 etcd2 etcd3 patroni1 patroni2 patroni3 haproxy pgbouncer web1 web2 \
              worker-routing-a worker-routing-b worker-notifications beat; do
    printf '%-24s %s\n' "$name" "$(running "$name" && echo "running (pid $(cat "$RUN/$name.pid"))" || echo stopped)"
  done
  printf '%-24s %s\n' "web via load balancer" \
    "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$WEB_PORT/health/ready" || true)"
}

down() {
  say "stopping the cluster"
  local name
  for name in beat worker-routing-a worker-routing-b worker-notifications web1 web2 pgbouncer haproxy; do stop "$name"; done
  stop_redis
  for name in patroni3 patroni2 patroni1; do stop "$name"; done
  for name in etcd3 etcd2 etcd1; do stop "$name"; done
  say "stopped"
}

case "${1:-up}" in
  up) up ;;
  status) status ;;
  down) down ;;
  failover) failover ;;
  start-again) start_again "$2" ;;
  *) die "usage: $0 up|status|down|failover|start-again NAME" ;;
esac
