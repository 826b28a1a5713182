"""API tokens (accounts.tokens on django-rest-knox): hashed, expiring, revoked with the log-in they stand for."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.tasks import delete_expired_tokens

from ..factories import TEST_PASSWORD, log_in_verified

pytestmark = pytest.mark.dated

LOCATE = ("/api/v1/locate", {"lat": 23.005, "lng": 113.705})


def log_in(user, address="10.1.0.7"):
    response = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": TEST_PASSWORD},
                                REMOTE_ADDR=address)
    assert response.status_code == 200, response.content
    return response.json()


def client_with(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def works(token):
    return client_with(token).get(*LOCATE).status_code == 200


def test_a_token_expires_after_the_token_ttl(tree, actors):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        answer = log_in(actors.grid_worker)
        assert set(answer) == {"token", "expiry"}
        assert parse_datetime(answer["expiry"]) == timezone.now() + settings.TOKEN_TTL
        assert works(answer["token"])
        clock.shift(settings.TOKEN_TTL - timedelta(seconds=1))
        assert works(answer["token"])
        clock.shift(timedelta(seconds=2))
        refused = client_with(answer["token"]).get(*LOCATE)
        assert refused.status_code == 401 and refused["WWW-Authenticate"] == "Token"


def test_only_a_hash_of_the_token_is_stored(tree, actors):
    token = log_in(actors.grid_worker)["token"]
    row = AuthToken.objects.get(user=actors.grid_worker)
    assert row.digest == hashlib.sha512(token.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM knox_authtoken")
        assert not any(token in str(value) for value in cursor.fetchone())
    assert "authtoken_token" not in connection.introspection.table_names()  # DRF's plain-text tokens are gone


def test_logout_revokes_this_token_and_logout_all_every_token(tree, actors):
    first, second, third = (log_in(actors.grid_worker)["token"] for _ in range(3))
    assert client_with(first).post("/api/v1/auth/logout/").status_code == 204
    assert not works(first) and works(second) and works(third)
    assert client_with(second).post("/api/v1/auth/logout-all/").status_code == 204
    assert not works(second) and not works(third)
    assert APIClient().post("/api/v1/auth/logout/").status_code == 401


def test_a_password_change_revokes_the_tokens(tree, actors):
    user = actors.grid_worker
    token = log_in(user)["token"]
    user.first_name = "改名"
    user.save()  # other changes keep them
    assert works(token)
    user.set_password("Another-pass-2026!")
    user.save()
    assert not works(token) and not AuthToken.objects.filter(user=user).exists()


def test_a_deactivation_revokes_the_tokens(tree, actors):
    user = actors.grid_worker
    token = log_in(user)["token"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert not AuthToken.objects.filter(user=user).exists()
    user.is_active = True
    user.save(update_fields=["is_active"])
    assert not works(token)  # reactivating brings none back


def test_a_lockout_revokes_the_tokens(tree, actors, client):
    user = actors.street_coordinator
    token = log_in(user)["token"]
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        client.post("/login/", {"username": user.username, "password": "wrong"}, REMOTE_ADDR="10.9.0.66")
    assert works(token)
    client.post("/login/", {"username": user.username, "password": "wrong"}, REMOTE_ADDR="10.9.0.66")
    assert not works(token)


def test_the_admin_lists_tokens_without_key_material(tree, actors, client):
    answer = log_in(actors.grid_worker)
    row = AuthToken.objects.get(user=actors.grid_worker)
    log_in_verified(client, actors.admin)  # an administrator, past the second factor
    page = client.get("/admin/knox/authtoken/").content.decode()
    assert str(actors.grid_worker) in page
    assert answer["token"] not in page and row.digest not in page and row.token_key not in page
    assert client.get("/admin/knox/authtoken/add/").status_code == 403
    client.post("/admin/accounts/user/", {"action": "revoke_tokens", "_selected_action": [actors.grid_worker.pk]})
    assert not works(answer["token"])


def test_expired_tokens_are_deleted_by_the_nightly_task(tree, actors):
    log_in(actors.grid_worker)
    with time_machine.travel(timezone.now() + settings.TOKEN_TTL + timedelta(minutes=1)):
        log_in(actors.leader)
        assert delete_expired_tokens() == 1
    assert list(AuthToken.objects.values_list("user", flat=True)) == [actors.leader.pk]
