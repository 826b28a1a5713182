import pytest
from django.conf import settings
from rest_framework.test import APIClient

from accounts.forms import ACCOUNT_LOCKED

from ..factories import TEST_PASSWORD

pytestmark = pytest.mark.dated


def fail_logins(client, username, times):
    for _ in range(times):
        client.post("/login/", {"username": username, "password": "wrong-Password1"})


def test_five_failures_lock_the_account_even_with_the_right_password(tree, actors, client):
    username = actors.street_coordinator.username
    fail_logins(client, username, settings.LOGIN_FAILURE_LIMIT)
    response = client.post("/login/", {"username": username, "password": TEST_PASSWORD})
    message = str(ACCOUNT_LOCKED % {"minutes": settings.LOGIN_LOCKOUT_SECONDS // 60})
    assert message in response.content.decode()
    assert client.get("/").status_code == 302  # not logged in
    token = APIClient().post("/api/v1/auth/token/", {"username": username, "password": TEST_PASSWORD})
    assert token.status_code == 400


def test_fewer_failures_do_not_lock_and_success_resets_the_count(tree, actors, client):
    username = actors.grid_worker.username
    fail_logins(client, username, settings.LOGIN_FAILURE_LIMIT - 1)
    assert client.login(username=username, password=TEST_PASSWORD)
    client.logout()
    fail_logins(client, username, settings.LOGIN_FAILURE_LIMIT - 1)
    assert client.login(username=username, password=TEST_PASSWORD)


def test_lockout_is_per_account(tree, actors, client):
    fail_logins(client, actors.outsider.username, settings.LOGIN_FAILURE_LIMIT)
    assert client.login(username=actors.leader.username, password=TEST_PASSWORD)


def test_log_in_keeps_working_when_redis_is_unreachable(tree, actors, client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:9/0"}}  # nothing listens on port 9
    fail_logins(client, actors.leader.username, settings.LOGIN_FAILURE_LIMIT)
    assert client.login(username=actors.leader.username, password=TEST_PASSWORD)
