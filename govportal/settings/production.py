"""Production settings: HTTPS only (redirect, HSTS, Secure cookies) on top of base; `manage.py check --deploy` is clean."""

from .base import *  # noqa: F403
from govportal.env import env_bool, env_int

# TLS ends at the reverse proxy, which sets X-Forwarded-Proto, overwriting the client's (docs/deploy.md):
# a request is secure when that header says https, and any other is redirected to https.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
# Browsers that saw the header use only https for this host and its subdomains (a year by default).
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading puts the whole registrable domain (the city's gov.cn domain, not just this host) into
# browsers for months, and only that domain's owner can submit it: off unless they decide so.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]  # noqa: F405  (the preload hint)
SECURE_CONTENT_TYPE_NOSNIFF = True
DEBUG = False
