"""Benchmark settings: production-like, on a database of its own (govportal_bench)."""

from .base import *  # noqa: F403

DATABASES["default"]["NAME"] = "govportal_bench"  # noqa: F405
DEBUG = False
