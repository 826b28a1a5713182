"""Administrators confirm each log-in with a TOTP code (等保 level 3: two factors, one cryptographic)."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.second_factor import WRONG_CODE
from tests.factories import TEST_PASSWORD, UserFactory
from tests.pages import page, zh

# Not `dated`: the codes depend on the clock, which each test stops at NOW whatever the session says.

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
VERIFY = "/otp/verify/"


@pytest.fixture(autouse=True)
def clock():
    """Stop the clock before the log-ins (the fixtures) and the codes."""
    with time_machine.travel(NOW, tick=False):
        yield


def code_of(device):
    """Return the code the administrator's app shows now, from the device's key."""
    return str(TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()).zfill(device.digits)


@pytest.fixture
def sysadmin(db):
    return UserFactory(role=User.Role.SYSTEM_ADMIN)


@pytest.fixture
def logged_in(sysadmin):
    """A client past the password step as the system administrator, whose device is confirmed."""
    device = TOTPDevice.objects.create(user=sysadmin, name="phone", confirmed=True)
    client = Client()
    assert client.login(username=sysadmin.username, password=TEST_PASSWORD)
    return client, device


def test_an_unverified_administrator_is_sent_from_the_admin_to_the_verification(logged_in):
    client, _ = logged_in
    response = client.get("/admin/")
    assert (response.status_code, response["Location"]) == (302, f"{VERIFY}?next=%2Fadmin%2F")
    for url in ("/", "/password_change/", "/api/v1/tickets/"):  # any page: the second step comes first
        assert client.get(url)["Location"].startswith(VERIFY), url


def test_the_verification_page_loads_the_script_texts_and_web_app_files_it_links(logged_in):
    client, _ = logged_in
    for url in ("/jsi18n/", "/manifest.webmanifest", "/sw.js"):
        assert client.get(url).status_code == 200, url


def test_the_right_code_opens_the_admin(logged_in):
    client, device = logged_in
    response = client.post(VERIFY, {"code": code_of(device), "next": "/admin/"})
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused(logged_in):
    client, device = logged_in
    wrong = str((int(code_of(device)) + 1) % 10**6).zfill(6)
    refused = page(client.post(VERIFY, {"code": wrong, "next": "/admin/"}))
    assert refused.one(".errors").text == zh(WRONG_CODE)
    assert client.get("/admin/")["Location"].startswith(VERIFY)


def test_a_code_opens_one_session_only(sysadmin, logged_in):
    client, device = logged_in
    code = code_of(device)
    assert client.post(VERIFY, {"code": code})["Location"] == "/"
    eavesdropper = Client()
    eavesdropper.login(username=sysadmin.username, password=TEST_PASSWORD)
    assert eavesdropper.post(VERIFY, {"code": code}).status_code == 200  # refused: the code is spent


def test_the_first_log_in_enrols_a_device_shown_once_and_confirmed_by_a_code(sysadmin):
    client = Client()
    client.login(username=sysadmin.username, password=TEST_PASSWORD)
    assert client.get("/admin/")["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    assert client.get(f"{VERIFY}?next=%2Fadmin%2F")["Location"] == "/otp/enrol/?next=%2Fadmin%2F"
    first = client.get("/otp/enrol/?next=%2Fadmin%2F").content.decode()
    assert "<svg" in first  # the QR code, inline
    secret = re.search(r"<code data-secret>([A-Z2-7 ]+)</code>", first).group(1)
    again = client.get("/otp/enrol/?next=%2Fadmin%2F").content.decode()
    assert secret not in again  # each visit makes a new secret: one shown before proves nothing
    device = TOTPDevice.objects.get(user=sysadmin)
    assert not device.confirmed
    response = client.post("/otp/enrol/", {"code": code_of(device), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert TOTPDevice.objects.get(user=sysadmin).confirmed
    assert client.get("/admin/").status_code == 200
    assert client.get("/otp/enrol/")["Location"].startswith(VERIFY)  # the secret is never shown again


def test_a_superuser_needs_the_second_factor_too_and_others_never_see_it(actors):
    client = Client()
    client.login(username=actors.admin.username, password=TEST_PASSWORD)
    assert client.get("/dashboard/")["Location"].startswith(VERIFY)
    client.login(username=actors.leader.username, password=TEST_PASSWORD)
    assert client.get("/").status_code == 200
    assert client.get(VERIFY).status_code == 404
