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

pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# ensure_postgres: a project-local cluster under .local/ unless DATABASE_URL is set.
ensure_postgres() {
  if [ -n "${DATABASE_URL:-}" ]; then say "using DATABASE_URL from the environment"; return 0; fi
  mkdir -p "$PG_DATA" "$PG_RUN"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DATA" "$PG_RUN" && chmod 700 "$PG_DATA"
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    say "initialising PostgreSQL cluster in $PG_DATA"
    pg_as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_RUN/postgres.log" -w -t 60 \
      -o "-p $PG_PORT -k $PG_RUN -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=1GB -c max_wal_size=4GB" start >/dev/null \
      || die "PostgreSQL did not start; see $PG_RUN/postgres.log"
    STARTED_POSTGRES=1
  fi
  local psql=(env PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qAt)
  if [ "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname='govportal'")" != 1 ]; then
    "${psql[@]}" -d postgres -c "CREATE DATABASE govportal" >/dev/null
  fi
  "${psql[@]}" -d govportal -c "CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS pg_trgm" >/dev/null
  export DATABASE_URL="postgis://postgres@127.0.0.1:$PG_PORT/govportal"
}

# stop_postgres [MODE]: pg_ctl's shutdown mode, fast by default (immediate: a crash, recovered at the next start).
stop_postgres() {
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m "${1:-fast}" stop >/dev/null 2>&1 || true
}

# ensure_redis DB_INDEX: a project-local Redis without persistence unless REDIS_URL is set.
ensure_redis() {
  if [ -n "${REDIS_URL:-}" ]; then say "using REDIS_URL from the environment"; return 0; fi
  mkdir -p "$LOCAL"
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    say "starting Redis on 127.0.0.1:$REDIS_PORT"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
      --pidfile "$LOCAL/redis.pid" --logfile "$LOCAL/redis.log" >/dev/null
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
    STARTED_REDIS=1
  fi
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/${1:-0}"
}

stop_redis() {
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}

# private_dir DIR: a folder only its owner may read (keys, logs with personal data).
private_dir() { mkdir -p "$1" && chmod 700 "$1"; }

# The secret key of a local installation: generated once, kept under .local/ (mode 0600).
ensure_secret_key() {
  [ -n "${DJANGO_SECRET_KEY:-}" ] && return 0
  mkdir -p "$LOCAL"  # not 0700: the postgres user reaches pgdata inside it
  [ -s "$LOCAL/secret_key" ] || (umask 077; "$PY" -c 'import secrets; print(secrets.token_urlsafe(50))' > "$LOCAL/secret_key")
  chmod 600 "$LOCAL/secret_key"
  DJANGO_SECRET_KEY=$(cat "$LOCAL/secret_key")
  export DJANGO_SECRET_KEY
}

# The key that encrypts parties' ID and phone numbers (mediation): generated once, kept under .local/ (0600).
ensure_field_encryption_key() {
  [ -n "${FIELD_ENCRYPTION_KEY:-}" ] && return 0
  mkdir -p "$LOCAL"  # not 0700: the postgres user reaches pgdata inside it
  [ -s "$LOCAL/field_encryption_key" ] || (umask 077; "$PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' > "$LOCAL/field_encryption_key")
  chmod 600 "$LOCAL/field_encryption_key"
  FIELD_ENCRYPTION_KEY=$(cat "$LOCAL/field_encryption_key")
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
