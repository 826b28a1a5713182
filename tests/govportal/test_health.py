"""The load balancer's health endpoints: live while the process serves, ready only when the
database and Redis answer and no migration is pending; 503 names what failed."""

import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.test import override_settings

from govportal import health


def test_live_answers_without_a_session(client):
    response = client.get("/health/live")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_ready_when_database_redis_and_migrations_are(client):
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok", "migrations": "ok"}}


@pytest.mark.django_db
def test_not_ready_without_redis(client):
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):  # nothing listens on port 1
        response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "redis": "failed", "migrations": "ok"}


@pytest.mark.django_db
def test_not_ready_with_a_migration_pending(client, monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)
    MigrationRecorder.Migration.objects.filter(app="incidents").order_by("-id")[:1].get().delete()  # rolled back after
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "failed"


def test_only_safe_methods(client):
    assert client.post("/health/live").status_code == 405
