"""Sessions end after SESSION_ABSOLUTE_SECONDS however active, and one account holds MAX_SESSIONS_PER_USER."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from accounts.middleware import SESSION_ENDED
from accounts.models import UserSession
from tests.factories import TEST_PASSWORD
from tests.pages import page, zh

pytestmark = pytest.mark.dated

LOGIN = datetime(2026, 11, 2, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def logged_in(user):
    client = Client()
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def test_a_session_ends_eight_hours_after_its_log_in_however_active(actors, settings):
    settings.SESSION_COOKIE_AGE = 24 * 3600  # no idle timeout in the way
    with time_machine.travel(LOGIN, tick=False) as clock:
        client = logged_in(actors.leader)
        clock.move_to(LOGIN + timedelta(hours=7, minutes=59))
        assert client.get("/").status_code == 200
        clock.move_to(LOGIN + timedelta(hours=8, minutes=1))
        response = client.get("/map/")
        assert response["Location"] == "/login/?next=/map/"
        shown = page(client.get(response["Location"]))
        assert zh(SESSION_ENDED) % {"hours": 8} in shown.one(".message").text
        assert client.get("/").status_code == 302  # logged out


def test_a_new_log_in_ends_the_older_session(actors):
    first = logged_in(actors.leader)
    second = logged_in(actors.leader)
    assert first.get("/")["Location"].startswith("/login/")
    assert second.get("/").status_code == 200
    assert UserSession.objects.filter(user=actors.leader).count() == 1


def test_more_sessions_when_the_limit_allows_them(actors, settings):
    settings.MAX_SESSIONS_PER_USER = 2
    first, second = logged_in(actors.leader), logged_in(actors.leader)
    assert first.get("/").status_code == second.get("/").status_code == 200
    third = logged_in(actors.leader)
    assert first.get("/").status_code == 302
    assert second.get("/").status_code == third.get("/").status_code == 200
    assert logged_in(actors.outsider).get("/").status_code == 200  # per account
    assert second.get("/").status_code == 200


def test_logging_out_forgets_the_session(actors):
    client = logged_in(actors.leader)
    client.post("/logout/")
    assert not UserSession.objects.filter(user=actors.leader).exists()
