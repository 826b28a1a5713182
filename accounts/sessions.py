"""Sessions as assessors expect them: an idle timeout (SESSION_COOKIE_AGE, renewed by every request),
an absolute lifetime from the log-in (SESSION_ABSOLUTE_SECONDS), and at most MAX_SESSIONS_PER_USER
per account — a new log-in ends the oldest.

Each log-in's session key is recorded (UserSession), so the oldest can be found whatever the
session engine; a token log-in (the API) has no session and is not counted here.
"""

import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from .models import User, UserSession

AUTHENTICATED_AT = "authenticated_at"  # session entry: when its log-in happened (Unix time)


def session_register(*, request, user):
    """Record the request's session as `user`'s newest and end their oldest beyond MAX_SESSIONS_PER_USER."""
    key = request.session.session_key
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).exists()  # one log-in at a time per account
        UserSession.objects.update_or_create(session_key=key, defaults={"user": user, "created_at": timezone.now()})
        ended = list(
            UserSession.objects.filter(user=user).order_by("-pk")  # the order of log-ins, whatever the clocks
            .values_list("session_key", flat=True)[settings.MAX_SESSIONS_PER_USER:]
        )
        UserSession.objects.filter(session_key__in=ended).delete()
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for ended_key in ended:
        store(session_key=ended_key).delete()


def session_is_past_lifetime(session):
    """Return whether the session's log-in lies more than SESSION_ABSOLUTE_SECONDS back (or is unknown)."""
    started = session.get(AUTHENTICATED_AT)
    return started is None or time.time() - started > settings.SESSION_ABSOLUTE_SECONDS


@receiver(user_logged_in)
def session_start(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return  # a token log-in (the API): no session to count
    session[AUTHENTICATED_AT] = time.time()
    if session.session_key is None:
        session.save()  # a log-in replacing another user's session flushed it: give it its key now
    session_register(request=request, user=user)


@receiver(user_logged_out)
def session_end(sender, request, user, **kwargs):
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key is not None:
        UserSession.objects.filter(session_key=key).delete()
