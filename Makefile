.PHONY: run test bench clean
.DEFAULT_GOAL := run

## run: install what is missing, start PostgreSQL+PostGIS, Redis, web, Celery worker and beat
run:
	@bash scripts/run.sh

## test: the whole test suite against real PostgreSQL/PostGIS, Redis, Celery and Chromium
test:
	@bash scripts/test.sh

## bench: the benchmarks in bench/ (not part of `make test`)
bench:
	@bash scripts/bench.sh

## clean: remove the virtualenv, the npm libraries and the project-local database and logs
clean:
	@bash -c 'source scripts/lib.sh; stop_redis; [ -d "$$PG_DATA" ] && stop_postgres; rm -rf .venv .local staticfiles media node_modules static_vendor'
