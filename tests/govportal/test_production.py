"""The production settings, in processes of their own (as the image runs them): `check --deploy` is
clean, and behind the reverse proxy pages are https only, with HSTS and Secure cookies."""

import json
import os
import secrets
import subprocess
import sys

from cryptography.fernet import Fernet
from django.conf import settings

# What production requires (docker-compose.yml sets it); nothing here connects to these servers.
PRODUCTION_ENV = {
    "PATH": os.environ["PATH"],
    "DJANGO_SETTINGS_MODULE": "govportal.settings.production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    "DATABASE_URL": "postgis://govportal:password@db.invalid:5432/govportal",
    "REDIS_URL": "redis://:password@redis.invalid:6379/0",
    "DJANGO_ALLOWED_HOSTS": "grid.example.gov.cn,testserver",
}

FETCH_LOG_IN_PAGE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client, override_settings

def answer(response):
    return {"status": response.status_code, "location": response.get("Location"),
            "hsts": response.get("Strict-Transport-Security"),
            "cookies": {name: bool(cookie["secure"]) for name, cookie in response.cookies.items()}}

# Static files unhashed: the image's collectstatic made the manifest, this process has none.
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}):
    client = Client(HTTP_HOST="grid.example.gov.cn")
    print(json.dumps([answer(client.get("/login/")), answer(client.get("/login/", HTTP_X_FORWARDED_PROTO="https"))]))
"""


def run_production(*arguments):
    return subprocess.run([sys.executable, *arguments], cwd=settings.BASE_DIR, env=PRODUCTION_ENV,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_finds_nothing_to_warn_about():
    result = run_production("manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_pages_are_https_only_behind_the_proxy():
    result = run_production("-c", FETCH_LOG_IN_PAGE)
    assert result.returncode == 0, result.stderr
    plain, proxied = json.loads(result.stdout)

    assert (plain["status"], plain["location"]) == (301, "https://grid.example.gov.cn/login/")
    assert proxied["status"] == 200
    assert proxied["hsts"] == "max-age=31536000; includeSubDomains"
    assert proxied["cookies"] == {"csrftoken": True}
