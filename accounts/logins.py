"""Log-in failure limits on django-axes (等保 2.0: lock after 5 failures, domain.md §7).

Failures are stored in PostgreSQL (axes' database handler), so a Redis restart forgets none,
and are counted per username *and* client address (govportal.clientip): a stranger failing with
an official's name locks only himself out of that name, never the official. An address that
fails too often across usernames (password spraying) is refused as a whole. A lock starts at the
failure that reaches the limit and lasts LOGIN_LOCKOUT_SECONDS from then: attempts while it
holds are refused without being counted, so they do not stretch it. The same rules hold for the
log-in page, the admin's and the token API, which all pass their request to authenticate().
"""

from axes.backends import AxesStandaloneBackend
from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

ACCOUNT_LOCKED = _("Too many failed log-ins: this account is locked for %(minutes)d minutes.")
ADDRESS_LOCKED = _("Too many failed log-ins from this network: try again in %(minutes)d minutes.")


class LoginAttemptHandler(AxesDatabaseHandler):
    """axes' database handler that also refuses an address with too many failures over all usernames."""

    def is_locked(self, request, credentials=None):
        return self.refusal(request, credentials) is not None

    def refusal(self, request, credentials=None):
        """Return ACCOUNT_LOCKED or ADDRESS_LOCKED when this request's log-in must be refused, else None."""
        if super().is_locked(request, credentials):
            return ACCOUNT_LOCKED
        failures = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
        ).aggregate(total=Sum("failures_since_start"))["total"] or 0
        if failures >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS:
            return ADDRESS_LOCKED
        return None


def login_refusal(request, username):
    """Return the message telling why `username` may not log in from this request now, or None."""
    AxesProxyHandler.update_request(request)
    handler = AxesProxyHandler.get_implementation()
    if not isinstance(handler, LoginAttemptHandler):  # AXES_ENABLED off, or another handler configured
        return None
    message = handler.refusal(request, get_credentials(username))
    return message and message % {"minutes": settings.LOGIN_LOCKOUT_SECONDS // 60}


class LockoutBackend(AxesStandaloneBackend):
    """axes' check before the password backend, for every log-in that comes with a request.

    A call without a request (the shell, a management command, the test client's login()) has
    no client address to count against, so it goes straight to the password check instead of
    failing as axes' own backend does; every HTTP log-in passes its request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
