#!/usr/bin/env bash
# `make bench`: provision, then run every benchmark in bench/ against a dedicated database.
source "$(dirname "$0")/lib.sh"
provision requirements-dev.txt 14
export DJANGO_SETTINGS_MODULE=govportal.settings.bench
for script in "$ROOT"/bench/*.py; do
  [ "$(basename "$script")" = __init__.py ] && continue
  "$PY" "$script"
done
