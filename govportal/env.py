"""Strict readers for settings taken from the environment: a bad value stops start-up."""

import os
import re
from datetime import timedelta
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_UNSET = object()


def _raw(name, default):
    value = os.environ.get(name)
    if value is None:
        if default is _UNSET:
            raise ImproperlyConfigured(f"Environment variable {name} is required.")
        return None
    return value.strip()


def env_str(name, default=_UNSET):
    """Return the variable as text, or `default` when unset."""
    value = _raw(name, default)
    return default if value is None else value


def env_bool(name, default=_UNSET):
    """Return the variable as a boolean; only 1/0, true/false, yes/no, on/off are accepted."""
    value = _raw(name, default)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true or false).")


def env_int(name, default=_UNSET, *, minimum=None):
    """Return the variable as an integer, at least `minimum` when given."""
    value = _raw(name, default)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}.")
    return number


_DURATION_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def env_duration(name, default=_UNSET, *, minimum=None):
    """Return the variable as a timedelta: whole seconds, or a number with s, m, h or d ("10h")."""
    value = _raw(name, default)
    if value is None:
        return default
    match = re.fullmatch(r"([0-9]+) *([smhd]?)", value.lower())
    if match is None:
        raise ImproperlyConfigured(f"{name}={value!r} is not a duration such as 36000, 600s, 30m, 10h or 7d.")
    duration = timedelta(seconds=int(match[1]) * _DURATION_UNITS[match[2]])
    if minimum is not None and duration < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return duration


def env_list(name, default=_UNSET):
    """Return a comma-separated variable as a list of non-empty items."""
    value = _raw(name, default)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_database(name="DATABASE_URL", *, conn_max_age=60):
    """Return a DATABASES entry for a postgis:// (or postgres://) URL."""
    url = env_str(name)
    if not url.startswith(("postgis://", "postgres://", "postgresql://")):
        raise ImproperlyConfigured(f"{name} must be a postgis:// or postgres:// URL, got {url!r}.")
    config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    config["ENGINE"] = "django.contrib.gis.db.backends.postgis"
    return config


def env_redis_url(name="REDIS_URL"):
    """Return a redis:// URL."""
    url = env_str(name)
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"{name} must be a redis:// URL, got {url!r}.")
    return url


def env_url(name, default=_UNSET):
    """Return the variable as an http(s) URL with a host; a Leaflet template ({s}, {z}, …) is accepted."""
    url = env_str(name, default)
    if url and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname):
        raise ImproperlyConfigured(f"{name} must be an http:// or https:// URL, got {url!r}.")
    return url


def url_source(url):
    """Return the Content-Security-Policy source that admits `url`: its scheme and host (with the port).

    A Leaflet subdomain placeholder in the first label (https://t{s}.example.cn/…) becomes the
    wildcard the policy allows there (https://*.example.cn).
    """
    parts = urlsplit(url)
    first_label, _, rest = parts.netloc.partition(".")
    host = f"*.{rest}" if "{" in first_label and rest else parts.netloc
    if "{" in host:
        raise ImproperlyConfigured(f"{url!r}: only the first label of the host may hold a placeholder such as {{s}}.")
    return f"{parts.scheme}://{host}"


def env_periods(name, default):
    """Return a list of "HH:MM-HH:MM" periods, each starting before it ends, in order."""
    periods = env_list(name, default)
    previous_end = ""
    for period in periods:
        start, _, end = period.partition("-")
        if not (_is_hhmm(start) and _is_hhmm(end) and previous_end <= start < end):
            raise ImproperlyConfigured(f"{name}: {period!r} is not an HH:MM-HH:MM period after the previous one.")
        previous_end = end
    return periods


def _is_hhmm(text):
    hours, _, minutes = text.partition(":")
    return len(text) == 5 and hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60
