#!/usr/bin/env bash
# `make run`: provision, migrate, load the demo city, then run web + Celery worker + beat
# in the foreground until Ctrl-C, which stops all of them (and the project-local servers).
source "$(dirname "$0")/lib.sh"
STARTED_POSTGRES=0 STARTED_REDIS=0
provision requirements.txt 0

PORT=${PORT:-8000}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-govportal.settings.base}
export DJANGO_ALLOWED_HOSTS=${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}

say "migrating"
"$PY" manage.py migrate --no-input -v 0
"$PY" manage.py collectstatic --no-input -v 0
say "loading the demo city"
"$PY" manage.py seed_demo

pids=()
shutdown() {
  trap - INT TERM EXIT
  say "stopping"
  [ ${#pids[@]} -gt 0 ] && kill -TERM "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  [ "$STARTED_REDIS" = 1 ] && stop_redis
  [ "$STARTED_POSTGRES" = 1 ] && stop_postgres
  say "stopped"
}
trap shutdown INT TERM EXIT

# Run a command, and run it again 5 s after it exits, until this subshell is told to stop: Celery's
# worker and beat exit when Redis stays away longer than their reconnection attempts (what a
# container's restart policy does in docker-compose.yml and on a server systemd's Restart=).
supervised() {
  local name=$1 child= status
  shift
  trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 0' INT TERM
  while true; do
    "$@" & child=$!
    status=0
    wait "$child" || status=$?
    say "$name exited ($status); starting it again in 5 s (log: $LOCAL/log/)"
    sleep 5 & wait $!
  done
}

umask 077  # every file the servers below write (logs included) is their owner's only
private_dir "$LOCAL/log"  # access and worker logs may hold personal data: owner only
chmod 600 "$LOCAL"/log/*.log 2>/dev/null || true  # files an earlier run left readable
# The access log without query strings nor referrers, files owner-only (govportal/gunicorn_conf.py).
"$VENV/bin/gunicorn" govportal.wsgi:application --config python:govportal.gunicorn_conf \
  --bind "127.0.0.1:$PORT" --workers 3 \
  --access-logfile "$LOCAL/log/access.log" --error-logfile "$LOCAL/log/web.log" & pids+=($!)
supervised "Celery worker" "$VENV/bin/celery" -A govportal worker -Q celery,routing,sweeps,notifications \
  --concurrency 2 --loglevel INFO --logfile "$LOCAL/log/worker.log" & pids+=($!)
supervised "Celery beat" "$VENV/bin/celery" -A govportal beat \
  --scheduler django_celery_beat.schedulers:DatabaseScheduler \
  --loglevel INFO --logfile "$LOCAL/log/beat.log" --pidfile= & pids+=($!)

cat <<MSG

  govportal is running at  http://127.0.0.1:$PORT/
  API docs (Swagger UI):   http://127.0.0.1:$PORT/api/docs/
  Admin:                   http://127.0.0.1:$PORT/admin/

  Demo logins (demo only), password Demo-2026! for all:
    demo_sysadmin     system administrator     demo_secadmin     security administrator
    demo_auditor      audit administrator      demo_leader       leader (read-only)
    demo_coordinator  street coordinator       demo_handler      department handler
    demo_community    community staff          demo_gridworker   grid worker
    demo_operator     12345 hotline operator   demo_mediator     mediator
  The three administrators set up an authenticator app (TOTP) at their first log-in.

  Logs: $LOCAL/log/   Press Ctrl-C to stop.

MSG
wait -n "${pids[@]}" || true
