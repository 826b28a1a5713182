#!/usr/bin/env bash
# `make bench`: provision, then run every benchmark in bench/ against a dedicated database.
source "$(dirname "$0")/lib.sh"
provision requirements-dev.txt 14
export DJANGO_SETTINGS_MODULE=govportal.settings.bench
# Benchmarks are bench/*.py; files starting with an underscore are their shared helpers, and
# chaos.py is `make chaos`, which stops servers and so runs on a stack of its own (scripts/chaos.sh).
for script in "$ROOT"/bench/[!_]*.py; do
  [ "$(basename "$script")" = chaos.py ] && continue
  "$PY" "$script"
done
