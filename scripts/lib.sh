# Shared provisioning for `make run`, `make test` and `make bench`. Source it; do not run it.
# Installs what is missing (Debian packages, the .venv) and starts a project-local
# PostgreSQL+PostGIS cluster and Redis unless DATABASE_URL / REDIS_URL point elsewhere.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# GOVPORTAL_LOCAL: another folder for the local servers, keys and logs (make chaos keeps its own stack apart).
LOCAL=${GOVPORTAL_LOCAL:-$ROOT/.local}
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT=${GOVPORTAL_PG_PORT:-54329}
REDIS_PORT=${GOVPORTAL_REDIS_PORT:-56379}
PG_DATA="$LOCAL/pgdata"
PG_RUN="$LOCAL/pgrun"

RUNTIME_PACKAGES=(gdal-bin gettext fonts-wqy-zenhei)
SERVER_PACKAGES=(postgresql-15 postgresql-15-postgis-3 redis-server)
BROWSER_PACKAGES=(chromium fonts-noto-cjk)

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# ensure_packages PKG...: apt-get install the packages that are not installed yet.
ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ensure_venv REQUIREMENTS_FILE: create .venv and (re)install when the requirements changed.
ensure_venv() {
  local req="$ROOT/$1" stamp="$VENV/.installed-$1.sha256" want
  want=$(cat "$ROOT"/requirements*.txt | sha256sum | cut -d' ' -f1)
  [ -x "$PY" ] || { say "creating $VENV"; python3 -m venv "$VENV"; }
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "installing Python packages from $1"
    "$PY" -m pip install -q --disable-pip-version-check -r "$req"
    echo "$want" > "$stamp"
  fi
}

# local_secret NAME COMMAND...: print the secret kept in .local/NAME (mode 0600), which COMMAND
# generated the first time.
local_secret() {
  local file="$LOCAL/$1"; shift
  mkdir -p "$LOCAL"  # not 0700: the postgres user reaches pgdata inside it
  [ -s "$file" ] || (umask 077; "$@" > "$file")
  chmod 600 "$file"  # a file left readable by an older version is tightened
  [ -s "$file" ] || die "could not generate $file"
  cat "$file"
}

# A password of 43 URL-safe characters: it goes into DATABASE_URL and REDIS_URL unquoted.
random_password() { "$PY" -c 'import secrets; print(secrets.token_urlsafe(32))'; }

pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The application's role: it logs in, owns its database and may create databases (the test runner
# and the benchmarks make their own), and is no superuser. Only provisioning uses `postgres`.
PG_APP_ROLE=govportal
PG_APP_DATABASE=govportal

# pg_superuser ARGS...: psql as the cluster's superuser over TCP; the password comes from .local/
# through the environment of psql alone, never from a command line.
pg_superuser() {
  PGPASSWORD=$(cat "$LOCAL/pg_superuser_password") PGOPTIONS="-c client_min_messages=warning" \
    "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -X -qAt -v ON_ERROR_STOP=1 "$@"
}

# init_cluster: a new cluster in which every connection, over TCP or the socket, gives its password
# (SCRAM-SHA-256); the superuser's is generated into .local/.
init_cluster() {
  say "initialising PostgreSQL cluster in $PG_DATA"
  local password_file
  # initdb runs as the cluster's owner, who cannot read .local/'s files: a private copy for it.
  password_file=$(mktemp "$PG_RUN/initdb-password.XXXXXX")
  local_secret pg_superuser_password random_password > "$password_file"
  [ "$(id -u)" -eq 0 ] && chown postgres "$password_file"
  pg_as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=scram-sha-256 --pwfile="$password_file" \
    -E UTF8 --locale=C.UTF-8 >/dev/null || { rm -f "$password_file"; die "initdb failed"; }
  rm -f "$password_file"
}

# cluster_trusts_connections: the cluster was made by an older lib.sh with `-A trust` (anyone on
# the machine could connect as the superuser without a password).
cluster_trusts_connections() {
  grep -Eq '^[^#]*[[:space:]]trust([[:space:]]|$)' "$PG_DATA/pg_hba.conf"
}

# ensure_superuser_password: a trust-era superuser gets the password generated into .local/.
ensure_superuser_password() {
  local password
  password=$(local_secret pg_superuser_password random_password)
  pg_superuser -d postgres <<< "ALTER ROLE postgres PASSWORD '$password'"
}

# ensure_app_role: create the application's role the first time, with its password in .local/
# (set again if that file was lost), and the extensions every new database inherits.
ensure_app_role() {
  local password new_password=0
  [ -s "$LOCAL/pg_app_password" ] || new_password=1
  password=$(local_secret pg_app_password random_password)
  if [ "$(pg_superuser -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_APP_ROLE'")" != 1 ]; then
    say "creating the database role $PG_APP_ROLE (not a superuser)"
    # PostGIS may only be created by a superuser: in template1, the test databases and the
    # benchmarks' database, which the role creates, have it (and pg_trgm) from the start. Once, and
    # before the role, whose existence marks it done: a session on template1 makes a concurrent
    # CREATE DATABASE fail.
    pg_superuser -d template1 -c "CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS pg_trgm"
    pg_superuser -d postgres <<< "CREATE ROLE $PG_APP_ROLE LOGIN CREATEDB PASSWORD '$password'"
  elif [ "$new_password" = 1 ]; then
    pg_superuser -d postgres <<< "ALTER ROLE $PG_APP_ROLE PASSWORD '$password'"
  fi
}

# ensure_app_database: the application's database, owned by its role with its public schema, with
# PostGIS and pg_trgm (template1's already).
ensure_app_database() {
  [ "$(pg_superuser -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$PG_APP_DATABASE'")" = 1 ] && return 0
  pg_superuser -d postgres -c "CREATE DATABASE $PG_APP_DATABASE OWNER $PG_APP_ROLE"
  pg_superuser -d "$PG_APP_DATABASE" -c "ALTER SCHEMA public OWNER TO $PG_APP_ROLE;
    CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS pg_trgm"
}

# Run in each database a trust-era cluster holds: its schema and every table, view, sequence,
# function and type in it go to the application's role, except what belongs to an extension
# (PostGIS's functions, spatial_ref_sys), which stays the superuser's. REASSIGN OWNED cannot do
# this: it refuses to touch objects of the bootstrap superuser.
HAND_OVER_OBJECTS_SQL="
ALTER SCHEMA public OWNER TO $PG_APP_ROLE;
DO \$\$
DECLARE
    object record;
BEGIN
    -- 1. Tables and views; indexes, and the sequences of serial and identity columns, follow them.
    FOR object IN
        SELECT c.oid::regclass AS name, CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                                       WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END AS kind
          FROM pg_class c
         WHERE c.relnamespace = 'public'::regnamespace AND c.relowner = 'postgres'::regrole
           AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
           AND NOT EXISTS (SELECT FROM pg_depend d
                            WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO $PG_APP_ROLE', object.kind, object.name);
    END LOOP;
    -- 2. The sequences left: those standing alone.
    FOR object IN
        SELECT c.oid::regclass AS name FROM pg_class c
         WHERE c.relnamespace = 'public'::regnamespace AND c.relowner = 'postgres'::regrole AND c.relkind = 'S'
           AND NOT EXISTS (SELECT FROM pg_depend d
                            WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER SEQUENCE %s OWNER TO $PG_APP_ROLE', object.name);
    END LOOP;
    -- 3. Functions and procedures (the triggers' functions, audit_prune).
    FOR object IN
        SELECT p.oid::regprocedure AS name FROM pg_proc p
         WHERE p.pronamespace = 'public'::regnamespace AND p.proowner = 'postgres'::regrole
           AND NOT EXISTS (SELECT FROM pg_depend d
                            WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO $PG_APP_ROLE', object.name);
    END LOOP;
    -- 4. Enums, domains and ranges.
    FOR object IN
        SELECT t.oid::regtype AS name FROM pg_type t
         WHERE t.typnamespace = 'public'::regnamespace AND t.typowner = 'postgres'::regrole
           AND t.typtype IN ('e', 'd', 'r')
           AND NOT EXISTS (SELECT FROM pg_depend d
                            WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER TYPE %s OWNER TO $PG_APP_ROLE', object.name);
    END LOOP;
    -- 5. The audit table, now the role's, without the privileges audit/0002 revokes from a role
    --    that is not a superuser (AUDIT_REVOKED_PRIVILEGES): that migration ran as the superuser.
    IF to_regclass('audit_auditevent') IS NOT NULL THEN
        REVOKE UPDATE, DELETE, TRUNCATE ON audit_auditevent FROM $PG_APP_ROLE;
    END IF;
END
\$\$;
"

# hand_over_databases: every database a trust-era cluster holds (govportal, govportal_bench, test
# databases left behind), owned by the superuser until now, goes to the application's role.
hand_over_databases() {
  local database
  for database in $(pg_superuser -d postgres -c "SELECT datname FROM pg_database
      WHERE NOT datistemplate AND datname <> 'postgres' AND datdba = 'postgres'::regrole"); do
    say "handing the database $database over to $PG_APP_ROLE"
    pg_superuser -d "$database" <<< "$HAND_OVER_OBJECTS_SQL"
    pg_superuser -d postgres -c "ALTER DATABASE \"$database\" OWNER TO $PG_APP_ROLE"  # last: marks it done
  done
}

# require_passwords: the trust-era pg_hba.conf replaced by one where every connection gives its
# password, then reloaded (the running server keeps its established sessions).
require_passwords() {
  pg_as_owner tee "$PG_DATA/pg_hba.conf" >/dev/null <<'HBA'
# Written by scripts/lib.sh: every connection gives its password (SCRAM-SHA-256).
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 scram-sha-256
host    all       all   127.0.0.1/32  scram-sha-256
host    all       all   ::1/128       scram-sha-256
HBA
  pg_superuser -d postgres -c "SELECT pg_reload_conf()" >/dev/null
}

# ensure_postgres: a project-local cluster under .local/ unless DATABASE_URL is set. A cluster an
# older lib.sh made with `-A trust` is secured in place: passwords, the application's role owning
# every database, pg_hba.conf asking for passwords.
ensure_postgres() {
  if [ -n "${DATABASE_URL:-}" ]; then say "using DATABASE_URL from the environment"; return 0; fi
  mkdir -p "$PG_DATA" "$PG_RUN"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DATA" "$PG_RUN" && chmod 700 "$PG_DATA"
  [ -f "$PG_DATA/PG_VERSION" ] || init_cluster
  local trust_era=0
  if cluster_trusts_connections; then
    trust_era=1
  elif [ ! -s "$LOCAL/pg_superuser_password" ]; then
    die "the superuser password of $PG_DATA is not in $LOCAL/pg_superuser_password: restore that file, or remove the cluster (make clean)"
  fi
  if ! pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_RUN/postgres.log" -w -t 60 \
      -o "-p $PG_PORT -k $PG_RUN -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=1GB -c max_wal_size=4GB" start >/dev/null \
      || die "PostgreSQL did not start; see $PG_RUN/postgres.log"
    STARTED_POSTGRES=1
  fi
  if [ "$trust_era" = 1 ]; then
    say "securing the PostgreSQL cluster made without passwords"
    ensure_superuser_password
  fi
  ensure_app_role
  ensure_app_database
  if [ "$trust_era" = 1 ]; then
    hand_over_databases
    require_passwords
  fi
  export DATABASE_URL="postgis://$PG_APP_ROLE:$(cat "$LOCAL/pg_app_password")@127.0.0.1:$PG_PORT/$PG_APP_DATABASE"
}

# stop_postgres [MODE]: pg_ctl's shutdown mode, fast by default (immediate: a crash, recovered at the next start).
stop_postgres() {
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m "${1:-fast}" stop >/dev/null 2>&1 || true
}

# redis_cli ARGS...: redis-cli on the local Redis, authenticated by its password in .local/ (through
# the environment, never the command line).
redis_cli() {
  REDISCLI_AUTH=$(cat "$LOCAL/redis_password" 2>/dev/null) redis-cli -p "$REDIS_PORT" "$@" 2>/dev/null
}

# ensure_redis DB_INDEX: a project-local Redis without persistence and with a password kept in
# .local/, unless REDIS_URL is set. One an older lib.sh started without a password gets it now.
ensure_redis() {
  if [ -n "${REDIS_URL:-}" ]; then say "using REDIS_URL from the environment"; return 0; fi
  local password
  password=$(local_secret redis_password random_password)
  case "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" in
    PONG)
      say "setting the password of the Redis running on 127.0.0.1:$REDIS_PORT"
      redis-cli -p "$REDIS_PORT" <<< "CONFIG SET requirepass $password" >/dev/null ;;
    NOAUTH*)
      [ "$(redis_cli ping)" = PONG ] || die "the Redis on port $REDIS_PORT does not take the password in $LOCAL/redis_password" ;;
    *)
      say "starting Redis on 127.0.0.1:$REDIS_PORT"
      # The password reaches redis-server as configuration on its standard input (`-`), not in its arguments.
      redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
        --pidfile "$LOCAL/redis.pid" --logfile "$LOCAL/redis.log" - <<< "requirepass $password" >/dev/null
      for _ in $(seq 50); do [ "$(redis_cli ping)" = PONG ] && break; sleep 0.1; done
      STARTED_REDIS=1 ;;
  esac
  export REDIS_URL="redis://:$password@127.0.0.1:$REDIS_PORT/${1:-0}"
}

stop_redis() {
  redis_cli shutdown nosave >/dev/null || true
}

# private_dir DIR: a folder only its owner may read (keys, logs with personal data).
private_dir() { mkdir -p "$1" && chmod 700 "$1"; }

# The secret key of a local installation: generated once, kept under .local/ (mode 0600).
ensure_secret_key() {
  [ -n "${DJANGO_SECRET_KEY:-}" ] && return 0
  DJANGO_SECRET_KEY=$(local_secret secret_key "$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
  export DJANGO_SECRET_KEY
}

# The key that encrypts personal data at rest (govportal.crypto): generated once, kept under .local/ (0600).
ensure_field_encryption_key() {
  [ -n "${FIELD_ENCRYPTION_KEY:-}" ] && return 0
  FIELD_ENCRYPTION_KEY=$(local_secret field_encryption_key "$PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')
  export FIELD_ENCRYPTION_KEY
}

# ensure_node_assets: front-end libraries from the npm registry (package-lock.json), re-installed
# when the lock changes; the browser files pages load are copied to static_vendor/ (git-ignored).
ensure_node_assets() {
  local stamp="$ROOT/node_modules/.installed.sha256" want
  want=$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "installing front-end libraries (npm ci)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$want" > "$stamp"
  fi
  mkdir -p "$ROOT/static_vendor/echarts"
  cp -u "$ROOT/node_modules/echarts/dist/echarts.min.js" "$ROOT/node_modules/echarts/LICENSE" "$ROOT/static_vendor/echarts/"
  local cluster="$ROOT/node_modules/leaflet.markercluster"
  mkdir -p "$ROOT/static_vendor/leaflet.markercluster"
  cp -u "$cluster/dist/leaflet.markercluster.js" "$cluster/dist/MarkerCluster.css" "$cluster/dist/MarkerCluster.Default.css" \
    "$cluster/MIT-LICENCE.txt" "$ROOT/static_vendor/leaflet.markercluster/"
}

# provision REQUIREMENTS_FILE REDIS_DB [extra Debian packages...]
provision() {
  local req=$1 redis_db=$2; shift 2
  local packages=("${RUNTIME_PACKAGES[@]}" "$@")
  if [ -z "${DATABASE_URL:-}" ] || [ -z "${REDIS_URL:-}" ]; then packages+=("${SERVER_PACKAGES[@]}"); fi
  # Debian's nodejs + npm, unless an npm is there already (NodeSource's nodejs bundles its own
  # npm and conflicts with Debian's npm package).
  command -v npm >/dev/null || packages+=(nodejs npm)
  ensure_packages "${packages[@]}"
  ensure_venv "$req"
  ensure_node_assets
  ensure_postgres
  ensure_redis "$redis_db"
  ensure_secret_key
  ensure_field_encryption_key
  cd "$ROOT"
  "$PY" manage.py compilemessages --ignore=.venv -v 0
}
