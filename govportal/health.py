"""Health endpoints for load balancers and orchestrators.

`/health/live` answers while the process can serve a request at all (restart it if not);
`/health/ready` only when it can do its work: the primary database answers, Redis answers and no
migration is pending (take it out of the pool if not). Neither needs a session or shows anything
beyond which check failed.
"""

import logging

import redis
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)
CHECK_TIMEOUT_SECONDS = 2
_migrated = False  # once all migrations are applied, a process never needs to look again


def _database():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")


def _redis():
    redis.Redis.from_url(settings.REDIS_URL, socket_timeout=CHECK_TIMEOUT_SECONDS,
                         socket_connect_timeout=CHECK_TIMEOUT_SECONDS).ping()


def _migrations():
    global _migrated
    if not _migrated:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise RuntimeError("migrations pending")
        _migrated = True


CHECKS = {"database": _database, "redis": _redis, "migrations": _migrations}


@never_cache
@require_safe
def live(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def ready(request):
    """200 with every check "ok", or 503 naming the checks that failed."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception:  # any failure of a dependency means "not ready", never a 500
            logger.warning("readiness check %s failed", name, exc_info=True)
            results[name] = "failed"
    ready_now = all(result == "ok" for result in results.values())
    return JsonResponse({"status": "ok" if ready_now else "unavailable", "checks": results},
                        status=200 if ready_now else 503)
