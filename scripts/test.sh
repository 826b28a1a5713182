#!/usr/bin/env bash
# `make test`: the same provisioning as `make run`, then the whole pytest suite against the
# real PostgreSQL/PostGIS (a throwaway test database), Redis, Celery and headless Chromium.
source "$(dirname "$0")/lib.sh"
# Redis database 15 keeps test tasks away from a `make run` worker on database 0.
provision requirements-dev.txt 15 "${BROWSER_PACKAGES[@]}"
export DJANGO_SETTINGS_MODULE=govportal.settings.test
exec "$VENV/bin/pytest" "$@"
