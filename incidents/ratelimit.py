"""Fixed-window rate limits in the cache (Redis), for pages open to the public."""

import logging

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def rate_limit_hit(key, *, limit, window_seconds=3600):
    """Count one use of `key`; return True when it goes over `limit` in the current window.

    Without Redis nothing is limited (logged): reports must not be lost to a cache outage.
    """
    cache_key = f"ratelimit:{key}"
    try:
        cache.add(cache_key, 0, timeout=window_seconds)
        return cache.incr(cache_key) > limit
    except (RedisError, ValueError):
        logger.warning("Rate limit not applied to %s: cache unavailable", key)
        return False
