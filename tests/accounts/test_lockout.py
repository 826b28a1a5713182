"""Log-in failure limits (accounts.logins on django-axes): per username and client address, a lock
that starts at the limit and lasts the lockout time from then, failures kept in PostgreSQL."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.forms import ACCOUNT_LOCKED
from accounts.logins import ADDRESS_LOCKED

from ..factories import TEST_PASSWORD

pytestmark = pytest.mark.dated

STRANGER, OFFICE = "10.9.0.66", "10.1.0.7"


def fail_logins(client, username, times, address=STRANGER):
    for _ in range(times):
        client.post("/login/", {"username": username, "password": "wrong-Password1"}, REMOTE_ADDR=address)


def page_log_in(client, username, address=STRANGER):
    """Log in through the page; return the page's text ("" when it redirected, i.e. logged in)."""
    response = client.post("/login/", {"username": username, "password": TEST_PASSWORD}, REMOTE_ADDR=address)
    return "" if response.status_code == 302 else response.content.decode()


def token_log_in(username, address=STRANGER):
    return APIClient().post("/api/v1/auth/token/", {"username": username, "password": TEST_PASSWORD},
                            REMOTE_ADDR=address)


def locked_message():
    return str(ACCOUNT_LOCKED % {"minutes": settings.LOGIN_LOCKOUT_SECONDS // 60})


def test_five_failures_lock_the_account_even_with_the_right_password(tree, actors, client):
    username = actors.street_coordinator.username
    fail_logins(client, username, settings.LOGIN_FAILURE_LIMIT)
    assert locked_message() in page_log_in(client, username)
    assert client.get("/").status_code == 302  # not logged in
    # The issue: a lock is a throttle, so the token API answers 429 now (it answered 400).
    token = token_log_in(username)
    assert token.status_code == 429 and token.json()["message"] == locked_message()


def test_the_lock_holds_only_for_that_username_from_that_address(tree, actors, client):
    username = actors.street_coordinator.username
    fail_logins(client, username, settings.LOGIN_FAILURE_LIMIT, address=STRANGER)
    assert page_log_in(client, username, address=OFFICE) == ""  # the official, from the office
    client.logout()
    assert token_log_in(username, address=OFFICE).status_code == 200
    assert page_log_in(client, actors.leader.username, address=STRANGER) == ""  # another name, same address


def test_fewer_failures_do_not_lock_and_success_resets_the_count(tree, actors, client):
    username = actors.grid_worker.username
    fail_logins(client, username, settings.LOGIN_FAILURE_LIMIT - 1)
    assert page_log_in(client, username) == ""
    client.logout()
    fail_logins(client, username, settings.LOGIN_FAILURE_LIMIT - 1)
    assert page_log_in(client, username) == ""


def test_token_api_failures_count_like_the_page(tree, actors, client):
    username = actors.grid_worker.username
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        bad = APIClient().post("/api/v1/auth/token/", {"username": username, "password": "wrong"},
                               REMOTE_ADDR=STRANGER)
        assert bad.status_code == 400
    fail_logins(client, username, 1)
    assert token_log_in(username).status_code == 429


def test_the_lock_starts_at_the_limit_and_lasts_the_lockout_time_from_then(tree, actors, client):
    username = actors.street_coordinator.username
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        fail_logins(client, username, settings.LOGIN_FAILURE_LIMIT - 1)
        clock.shift(timedelta(minutes=10))
        fail_logins(client, username, 1)  # the limit: locked from here
        clock.shift(timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS - 60))
        fail_logins(client, username, 1)  # refused while locked, and not counted: the lock is not stretched
        assert locked_message() in page_log_in(client, username)
        clock.shift(timedelta(seconds=61))  # the lockout time since the fifth failure is over
        assert page_log_in(client, username) == ""


def test_the_admin_log_in_is_locked_too(tree, actors, client):
    username = actors.admin.username
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": username, "password": "wrong"}, REMOTE_ADDR=STRANGER)
    client.post("/admin/login/", {"username": username, "password": TEST_PASSWORD}, REMOTE_ADDR=STRANGER)
    assert client.get("/admin/").status_code == 302  # not logged in


def test_one_address_failing_over_many_usernames_is_refused(tree, actors, client, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 6
    for index in range(3):  # password spraying: few tries per name, many names
        fail_logins(client, f"guess{index}", 2)
    message = str(ADDRESS_LOCKED % {"minutes": settings.LOGIN_LOCKOUT_SECONDS // 60})
    assert message in page_log_in(client, actors.leader.username)
    assert token_log_in(actors.leader.username).status_code == 429
    assert page_log_in(client, actors.leader.username, address=OFFICE) == ""


def test_the_lock_survives_a_cache_flush_and_a_redis_outage(tree, actors, client, settings):
    username = actors.leader.username
    fail_logins(client, username, settings.LOGIN_FAILURE_LIMIT)
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"flushed-{uuid.uuid4().hex}"}}
    assert locked_message() in page_log_in(client, username)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:9/0"}}  # nothing listens on port 9
    assert locked_message() in page_log_in(client, username)
    assert page_log_in(client, username, address=OFFICE) == ""  # and log-in keeps working without Redis


def test_forged_forwarded_for_does_not_escape_the_lock_without_a_proxy(tree, actors, client):
    username = actors.leader.username
    for index in range(settings.LOGIN_FAILURE_LIMIT):
        client.post("/login/", {"username": username, "password": "wrong"}, REMOTE_ADDR=STRANGER,
                    HTTP_X_FORWARDED_FOR=f"10.8.0.{index}")
    response = client.post("/login/", {"username": username, "password": TEST_PASSWORD}, REMOTE_ADDR=STRANGER,
                           HTTP_X_FORWARDED_FOR="10.8.0.99")
    assert locked_message() in response.content.decode()


def test_behind_one_proxy_the_lock_follows_the_address_the_proxy_saw(tree, actors, client, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    proxy, username = "10.0.0.1", actors.leader.username
    for index in range(settings.LOGIN_FAILURE_LIMIT):  # a forged left part changes nothing
        client.post("/login/", {"username": username, "password": "wrong"}, REMOTE_ADDR=proxy,
                    HTTP_X_FORWARDED_FOR=f"10.8.0.{index}, {STRANGER}")
    response = client.post("/login/", {"username": username, "password": TEST_PASSWORD}, REMOTE_ADDR=proxy,
                           HTTP_X_FORWARDED_FOR=f"10.8.0.99, {STRANGER}")
    assert locked_message() in response.content.decode()
    response = client.post("/login/", {"username": username, "password": TEST_PASSWORD}, REMOTE_ADDR=proxy,
                           HTTP_X_FORWARDED_FOR=OFFICE)
    assert response.status_code == 302
