"""Test settings: the real PostgreSQL/PostGIS and Redis, with the slow-by-design parts made quick."""

import os

from .base import *  # noqa: F403

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# A test's commits (the transactional tests' flushes above all) need not wait for the disk: a crash
# loses a throwaway database anyway.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405
# Never shared with a `make run` worker, nor with another test run (make test runs three at once).
CELERY_TASK_DEFAULT_QUEUE = f"test-{os.getpid()}"
CELERY_TASK_ROUTES = {}
# The worker thread of the Celery tests must not keep its connection open, or the test
# database cannot be dropped at the end of the run.
CELERY_DB_REUSE_MAX = 0
# Each run counts log-in failures (and anything else cached) under its own prefix.
CACHES["default"]["KEY_PREFIX"] = f"test-cache-{os.getpid()}"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# One test database per run, so two runs (a developer's and a helper's) never drop each other's.
DATABASES["default"]["TEST"] = {"NAME": f"test_govportal_{os.getpid()}"}  # noqa: F405
# A fixed key, so encrypted party numbers written by one test read back in another process.
FIELD_ENCRYPTION_KEY = "Q1lRbVdWb0FGbVl2b3dhQk1sYm5jR2ZJd0xZb3JvTmE="
# The dated tests stop their clocks months away from the day their accounts were made; passwords
# must not expire in between (tests/accounts/test_passwords.py sets the default 90 days again).
PASSWORD_MAX_AGE_DAYS = 10 * 365
# The test runner empties every table with TRUNCATE between transactional tests (the audit table's
# trigger still refuses UPDATE and DELETE).
AUDIT_REVOKED_PRIVILEGES = ("UPDATE", "DELETE")
# The dashboards' replica is, in tests, the test database itself (a mirror). The figures read the
# primary as in a city without a replica; tests/govportal/test_replicas.py points them at the mirror.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
FIGURES_DATABASE = "default"
