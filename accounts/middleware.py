"""What every page asks of a logged-in account before its own work (等保 level 3, domain.md §7)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .sessions import session_is_past_lifetime

SESSION_ENDED = _("Your session has ended %(hours)g hours after you logged in. Please log in again.")

# Views open to anyone logged in, whatever they still owe; the last three are what every page,
# the verification and password-change pages included, loads: the script texts, the web app's
# manifest and its service worker (none of them holds anything about the user).
OPEN_VIEWS = {"login", "logout", "set_language", "admin:logout", "javascript-catalog", "web-manifest", "service-worker"}
SECOND_FACTOR_VIEWS = {"otp-verify", "otp-enrol"}


class AccountPolicyMiddleware:
    """Before any view, in this order:

    1. a session older than SESSION_ABSOLUTE_SECONDS since its log-in ends, however active;
    2. an administrator (三员, superuser) who has not confirmed this log-in with a TOTP code is sent to
       do so — before anything else, the change of an expired password included;
    3. a password older than PASSWORD_MAX_AGE_DAYS is changed before anything else.

    Runs after OTPMiddleware (request.user.is_verified) and MessageMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        if session_is_past_lifetime(request.session):
            logout(request)
            messages.info(request, SESSION_ENDED % {"hours": settings.SESSION_ABSOLUTE_SECONDS / 3600})
            return redirect_to_login(request.get_full_path())
        view = request.resolver_match.view_name
        if view in OPEN_VIEWS:
            return None
        if user.is_administrator and not user.is_verified():
            if view in SECOND_FACTOR_VIEWS:
                return None
            return redirect(f"{reverse('otp-verify')}?{urlencode({'next': request.get_full_path()})}")
        if view != "password_change" and user.password_is_expired:
            return redirect(f"{reverse('password_change')}?{urlencode({'next': request.get_full_path()})}")
        return None
