"""Fault-injection settings (`make chaos`, bench/chaos.py): production-like, on a database of its own.

scripts/chaos.sh points DATABASE_URL and REDIS_URL at a PostgreSQL and a Redis of its own, which
the faults stop and restart; the web, the worker and beat all run with these settings.
"""

from .base import *  # noqa: F403

DATABASES["default"]["NAME"] = "govportal_chaos"  # noqa: F405
DEBUG = False
