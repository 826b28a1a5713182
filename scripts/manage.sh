#!/usr/bin/env bash
# `bash scripts/manage.sh COMMAND ...`: manage.py with the environment `make run` uses
# (starts the project-local PostgreSQL and Redis if they are not running, and leaves them up).
source "$(dirname "$0")/lib.sh"
STARTED_POSTGRES=0 STARTED_REDIS=0
provision requirements.txt 0 >&2
exec "$PY" manage.py "$@"
