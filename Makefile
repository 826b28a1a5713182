.PHONY: run test bench chaos cluster cluster-status cluster-stop failover clean
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

## chaos: faults (Redis, PostgreSQL, worker, beat, retries) against a stack of its own; one table (docs/resilience.md)
## (FAULTS=kill-routing,pg-fast runs some of them)
chaos:
	@bash scripts/chaos.sh $(if $(FAULTS),--faults $(FAULTS))

## cluster: the multi-host layout on this machine — etcd ×3, Patroni ×3 (PostgreSQL+PostGIS, one
## synchronous replica), HAProxy, PgBouncer, 2 web instances, Celery workers by queue, beat (docs/deploy.md)
cluster:
	@bash scripts/cluster.sh up

## cluster-status: who leads, which processes run
cluster-status:
	@bash scripts/cluster.sh status

## cluster-stop: stop the cluster (its data stays under .local/cluster)
cluster-stop:
	@bash scripts/cluster.sh down

## failover: on the running cluster, kill the PostgreSQL leader, a web instance and a worker under load; one table
failover:
	@bash scripts/cluster.sh failover

## clean: remove the virtualenv, the npm libraries and the project-local database and logs
clean:
	@bash -c 'source scripts/lib.sh; stop_redis; [ -d "$$PG_DATA" ] && stop_postgres; rm -rf .venv .local staticfiles media node_modules static_vendor'
