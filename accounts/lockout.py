"""Lock an account name after repeated failed log-ins (等保 2.0: 5 failures, domain.md §7).

Failures are counted in the cache (Redis) per username, for pages and the token API alike:
the auth signals count, the authentication backend refuses while the name is locked. Without
Redis nobody is locked out (logged as a warning): log-in must keep working through an outage.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _key(username):
    return f"login-failures:{(username or '').strip().lower()}"


def login_is_locked(username):
    """Return whether `username` has reached the allowed number of failures."""
    try:
        return cache.get(_key(username), 0) >= settings.LOGIN_FAILURE_LIMIT
    except RedisError:
        logger.warning("Cache unavailable: log-in lockout not checked for %s", username)
        return False


@receiver(user_login_failed)
def count_login_failure(sender, credentials, **kwargs):
    key = _key(credentials.get("username"))
    try:
        cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        cache.incr(key)
    except RedisError:
        logger.warning("Cache unavailable: failed log-in of %s not counted", credentials.get("username"))


@receiver(user_logged_in)
def clear_login_failures(sender, user, **kwargs):
    try:
        cache.delete(_key(user.get_username()))
    except RedisError:
        logger.warning("Cache unavailable: failed log-ins of %s not cleared", user.get_username())


class LockoutModelBackend(ModelBackend):
    """ModelBackend that refuses every attempt while the username is locked."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if login_is_locked(username or kwargs.get(get_user_model().USERNAME_FIELD)):
            raise PermissionDenied  # stops the other backends; counted as one more failure
        return super().authenticate(request, username=username, password=password, **kwargs)
