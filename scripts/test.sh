#!/usr/bin/env bash
# `make test`: the same provisioning as `make run`, then the whole pytest suite against the
# real PostgreSQL/PostGIS (a throwaway test database), Redis, Celery and headless Chromium,
# then the date-sensitive tests again on days where periods and deadlines bite.
source "$(dirname "$0")/lib.sh"
# Redis database 15 keeps test tasks away from a `make run` worker on database 0.
provision requirements-dev.txt 15 "${BROWSER_PACKAGES[@]}"
export DJANGO_SETTINGS_MODULE=govportal.settings.test

# With arguments, pytest runs just those: `bash scripts/test.sh -k locate`,
# `bash scripts/test.sh --at 2027-02-01T09:00+08:00 -m dated`.
[ $# -gt 0 ] && exec "$VENV/bin/pytest" "$@"

# Instants (Beijing time) at which the tests marked `dated` run once more, Python's clock moved
# there by --at (tests/conftest.py), each with the tests it is for:
#  - the first working minute of a month's first day: "this month" holds minutes of data — every
#    dated test;
#  - a make-up working Saturday (调休) right after the eight-day National Day holiday: the dated
#    tests of the modules that count working time (deadlines, escalations, reminders, callbacks).
DATED_INSTANTS=(2026-06-01T08:30+08:00 2026-10-10T09:00+08:00)
DATED_TESTS=("tests" "tests/incidents tests/hotline tests/mediation tests/supervision tests/dispatch")

# Two processes side by side, one a core (each pass has its own test database, cache prefix and
# Celery queue: govportal/settings/test.py): the browser tests with most folders, and the folders of
# SECOND_HALF followed by the dated passes — about as long, so both cores stay busy to the end (a new
# folder joins the first). The first prints as it goes and names its slowest tests; the second's
# output follows. The dated passes fuzz the API with 3 examples an operation instead of 10
# (tests/govportal/test_api_fuzz.py): they are there for the dates.
SECOND_HALF=(tests/mediation tests/grids tests/registers tests/components tests/deliberation tests/i18n)
cd "$ROOT"
first=()
for path in tests/*/ tests/test_*.py; do
  path=${path%/}
  case " ${SECOND_HALF[*]} " in *" $path "*) continue ;; esac
  [[ $path == tests/_* ]] || first+=("$path")
done
logs=$(mktemp -d)
(
  status=0
  "$VENV/bin/pytest" -q "${SECOND_HALF[@]}" || status=$?
  for index in "${!DATED_INSTANTS[@]}"; do
    instant=${DATED_INSTANTS[$index]}
    say "the date-sensitive tests at $instant (${DATED_TESTS[$index]})"
    # shellcheck disable=SC2086
    FUZZ_EXAMPLES=3 "$VENV/bin/pytest" -q -m dated --at "$instant" ${DATED_TESTS[$index]} || status=$?
  done
  exit "$status"
) >"$logs/second.log" 2>&1 &
second=$!
status=0
"$VENV/bin/pytest" --durations=20 "${first[@]}" || status=$?
wait "$second" || status=$?
say "the other half of the suite, then the date-sensitive tests"
cat "$logs/second.log"
rm -rf "$logs"
say "screenshots of the pages the browser tests visited (phone and desktop): $ROOT/test-artifacts/screenshots/"
exit "$status"
