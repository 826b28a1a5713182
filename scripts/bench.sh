#!/usr/bin/env bash
# `make bench`: provision, then run every benchmark in bench/ against a dedicated database.
source "$(dirname "$0")/lib.sh"
provision requirements-dev.txt 14
export DJANGO_SETTINGS_MODULE=govportal.settings.bench
# Benchmarks are bench/*.py; files starting with an underscore are their shared helpers.
for script in "$ROOT"/bench/[!_]*.py; do
  "$PY" "$script"
done
