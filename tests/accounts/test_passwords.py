"""Passwords change every PASSWORD_MAX_AGE_DAYS (等保: periodic change), on a page of the site's own."""

import importlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client

from accounts.forms import PASSWORD_UNCHANGED
from accounts.models import User
from accounts.validators import SEQUENCE
from tests.factories import TEST_PASSWORD, UserFactory, log_in_verified
from tests.pages import page, zh

pytestmark = pytest.mark.dated

CST = ZoneInfo("Asia/Shanghai")
SET = datetime(2026, 3, 2, 9, 0, tzinfo=CST)  # when the accounts below get their passwords
NEW_PASSWORD = "Lw7#mqRt-k"


@pytest.fixture(autouse=True)
def ninety_days(settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90  # the default (govportal/settings/test.py lengthens it)


@pytest.fixture
def worker(actors):
    """The street coordinator, whose password was set at SET."""
    User.objects.filter(pk=actors.street_coordinator.pk).update(password_changed_at=SET)
    actors.street_coordinator.refresh_from_db()
    return actors.street_coordinator


def change(client, old=TEST_PASSWORD, new=NEW_PASSWORD, **extra):
    return client.post("/password_change/", {"old_password": old, "new_password1": new, "new_password2": new,
                                              **extra})


def test_the_change_page_is_in_the_sites_layout_and_translated(worker):
    client = Client()
    client.force_login(worker)
    shown = page(client.get("/password_change/"))
    assert shown.one("h1").text == zh("Change password")
    assert shown.one("header.topbar a.brand").text == zh("Grid governance platform")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert page(client.get("/password_change/")).one("h1").text == "Change password"


@time_machine.travel(SET + timedelta(days=89), tick=False)
def test_a_password_younger_than_the_limit_is_left_alone(worker):
    client = Client()
    client.force_login(worker)
    assert client.get("/").status_code == 200


@time_machine.travel(SET + timedelta(days=91), tick=False)
def test_an_old_password_sends_its_owner_to_change_it_before_anything_else(worker):
    client = Client()
    client.force_login(worker)
    for url in ("/", "/map/", "/api/v1/tickets/"):
        response = client.get(url)
        assert response["Location"].startswith("/password_change/?next="), url
    shown = page(client.get("/password_change/?next=/map/"))
    assert "90" in shown.one("p.errors").text
    weak = page(change(client, new="12345678Aa", next="/map/"))
    assert zh(SEQUENCE) % {"pattern": "1234"} in weak.text
    response = change(client, next="/map/")
    assert response["Location"] == "/map/"
    assert client.get("/map/").status_code == 200  # the session goes on
    worker.refresh_from_db()
    assert worker.password_changed_at == SET + timedelta(days=91)


def test_the_new_password_must_differ_from_the_current_one(worker):
    worker.set_password(NEW_PASSWORD)
    worker.save()
    client = Client()
    client.force_login(worker)
    assert zh(PASSWORD_UNCHANGED) in page(change(client, old=NEW_PASSWORD)).text


def test_every_way_of_setting_a_password_restarts_its_age(worker, monkeypatch):
    with time_machine.travel(SET + timedelta(days=10), tick=False):
        worker.set_password(NEW_PASSWORD)
        worker.save(update_fields=["password"])
        worker.refresh_from_db()
        assert worker.password_changed_at == SET + timedelta(days=10)
    with time_machine.travel(SET + timedelta(days=20), tick=False):  # a reset in the admin
        worker.check_password(NEW_PASSWORD)  # a log-in (no change, nor a hash upgrade here)
        sysadmin = UserFactory(role=User.Role.SYSTEM_ADMIN)
        client = Client()
        log_in_verified(client, sysadmin)
        response = client.post(f"/admin/accounts/user/{worker.pk}/password/",
                               {"password1": "Kp4!vnZe-w", "password2": "Kp4!vnZe-w"})
        assert response.status_code == 302
        worker.refresh_from_db()
        assert worker.password_changed_at == SET + timedelta(days=20)
    with time_machine.travel(SET + timedelta(days=30), tick=False):  # createsuperuser (break-glass)
        monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Rz8#hwTq-m")
        call_command("createsuperuser", interactive=False, username="breakglass", email="", verbosity=0)
        assert User.objects.get(username="breakglass").password_changed_at == SET + timedelta(days=30)


@pytest.mark.parametrize("name", ["PASSWORD_MAX_AGE_DAYS", "SESSION_ABSOLUTE_SECONDS", "MAX_SESSIONS_PER_USER"])
@pytest.mark.parametrize("value", ["0", "ninety", "1.5"])
def test_the_policies_settings_are_parsed_strictly(monkeypatch, name, value):
    import govportal.settings.base as base

    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured):
        importlib.reload(base)
    monkeypatch.undo()
    importlib.reload(base)
