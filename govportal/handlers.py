"""What the web answers while PostgreSQL cannot: 503 with Retry-After instead of a 500.

Django turns an exception raised by any view or middleware into a response through `handler500`,
which is given the request only; the exception being handled is `sys.exc_info()`. A database
that cannot answer now — down, restarting, refusing connections, or a transient failure of the
kind OperationalError covers — answers 503 Service Unavailable with Retry-After: under /api/ in
the API's error shape, elsewhere a plain translated page rendered without the database (the base
layout reads the user for its menu). Every other error keeps Django's 500 page.

Nothing needs a restart afterwards: a failed connection is closed at the end of its request and
CONN_HEALTH_CHECKS tests a reused one before use, so the next request reconnects.
"""

import sys

import psycopg
from django.db import InterfaceError, InternalError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.views import defaults

# A restart of PostgreSQL takes a few seconds: clients should come back soon, not hammer it.
RETRY_AFTER_SECONDS = 5
DATABASE_UNAVAILABLE = _("The service is briefly unavailable. Please try again in a few seconds.")


def database_unavailable(error):
    """Return whether `error` means the database cannot answer now.

    OperationalError and InterfaceError; and an InternalError psycopg raised itself, without a
    SQLSTATE from the server, when the conversation with the server broke (PgBouncer's server
    connection died with its primary mid-transaction: "received 2 results from command 'BEGIN'").
    """
    if isinstance(error, (OperationalError, InterfaceError)):
        return True
    cause = error.__cause__ if isinstance(error, InternalError) else None
    return isinstance(cause, psycopg.InternalError) and cause.sqlstate is None


def server_error(request):
    """handler500: 503 while the database cannot answer, else Django's own 500 page."""
    if not database_unavailable(sys.exc_info()[1]):
        return defaults.server_error(request)
    if request.path.startswith("/api/"):
        response = JsonResponse({"message": str(DATABASE_UNAVAILABLE), "extra": {}}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": DATABASE_UNAVAILABLE}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
