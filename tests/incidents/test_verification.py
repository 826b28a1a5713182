"""The citizen report's SMS verification code (incidents.verification): 6 digits sent through the
gateway, stored as digests, 5 minutes, one report, 5 tries; sending limited per phone and address."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from govportal.crypto import decrypt
from incidents import verification
from incidents.models import PhoneCode, Ticket
from incidents.tasks import prune_phone_codes

from .sms import sent_code
from .test_citizen import citizen_form

pytestmark = [pytest.mark.dated, pytest.mark.usefixtures("fresh_rate_limits")]

PHONE, OTHER_PHONE = "13812341234", "13998769876"


def report(client, **fields):
    """Post a citizen report; return its form's error for `code` (None when the report was taken)."""
    page = client.post("/report/", citizen_form(**fields))
    form = page.context.get("form")
    if form is None:
        return None
    return " ".join(form.errors.get("code", [])) or "; ".join(str(e) for e in form.errors.values())


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def test_the_logging_gateway_writes_the_code_and_only_digests_are_stored(tree, client, caplog, sms_code):
    code = sms_code(PHONE)
    assert len(code) == 6 and code.isdigit()
    assert code in caplog.records[-1].getMessage()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM incidents_phonecode")
        stored = " ".join(str(value) for value in cursor.fetchone())
    assert code not in stored and PHONE not in stored


def test_a_report_needs_the_right_code_for_its_phone(tree, catalogue, client, sms_code):
    code = sms_code(PHONE)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert report(client, code="") is not None
    assert report(client, code=wrong) == str(verification.CODE_WRONG)
    assert report(client, phone=OTHER_PHONE, code=code) == str(verification.CODE_MISSING)
    assert not Ticket.objects.exists()
    assert report(client, code=code) is None
    assert decrypt(Ticket.objects.get().reporter_phone_encrypted) == PHONE


def test_a_code_lasts_five_minutes(tree, catalogue, client, sms_code, clock):
    code = sms_code(PHONE)
    clock.shift(verification.CODE_TTL)
    assert report(client, code=code) == str(verification.CODE_MISSING)


def test_a_code_serves_one_report_which_may_be_sent_again(tree, catalogue, client, sms_code):
    code, key = sms_code(PHONE), uuid.uuid4().hex
    assert report(client, code=code, idempotency_key=key) is None
    assert report(client, code=code, idempotency_key=key) is None  # the same report again: the same ticket
    assert report(client, code=code) == str(verification.CODE_USED_UP)  # another report
    assert Ticket.objects.count() == 1


def test_five_wrong_tries_end_a_code(tree, catalogue, client, sms_code):
    code = sms_code(PHONE)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(verification.CODE_TRIES):
        assert report(client, code=wrong) == str(verification.CODE_WRONG)
    assert report(client, code=code) == str(verification.CODE_USED_UP)


def test_only_the_latest_code_counts(tree, catalogue, client, sms_code, clock):
    first = sms_code(PHONE)
    clock.shift(verification.RESEND_INTERVAL)
    second = sms_code(PHONE)
    if first != second:
        assert report(client, code=first) == str(verification.CODE_WRONG)
    assert report(client, code=second) is None


def ask(client, phone, address="127.0.0.1", **headers):
    return client.post("/report/code/", {"phone": phone}, REMOTE_ADDR=address, **headers)


def test_one_code_a_minute_and_a_few_an_hour_per_phone(tree, client, settings, clock):
    settings.SMS_CODES_PER_PHONE_PER_HOUR = 2
    assert ask(client, PHONE).status_code == 200
    too_soon = ask(client, PHONE, address="10.2.0.1")
    assert too_soon.status_code == 429 and too_soon.json()["message"] == str(verification.CODE_TOO_SOON)
    clock.shift(verification.RESEND_INTERVAL)
    assert ask(client, PHONE).status_code == 200
    clock.shift(verification.RESEND_INTERVAL)
    too_many = ask(client, PHONE, address="10.2.0.2")
    assert too_many.status_code == 429 and too_many.json()["message"] == str(verification.TOO_MANY_CODES)
    assert ask(client, OTHER_PHONE).status_code == 200
    clock.shift(timedelta(hours=1))
    assert ask(client, PHONE).status_code == 200


def test_a_few_codes_an_hour_per_address(tree, client, settings):
    settings.SMS_CODES_PER_ADDRESS_PER_HOUR = 2
    assert [ask(client, f"1370000000{n}").status_code for n in range(3)] == [200, 200, 429]
    assert ask(client, "13700000009", address="10.2.0.1").status_code == 200


def test_the_address_limit_ignores_a_forged_forwarded_for(tree, client, settings):
    settings.SMS_CODES_PER_ADDRESS_PER_HOUR = 1
    assert ask(client, "13700000001", HTTP_X_FORWARDED_FOR="10.8.0.1").status_code == 200
    assert ask(client, "13700000002", HTTP_X_FORWARDED_FOR="10.8.0.2").status_code == 429
    settings.TRUSTED_PROXY_HOPS = 1  # behind one proxy: the address it appended counts, not the forged one
    proxy = "10.0.0.1"
    assert ask(client, "13700000003", proxy, HTTP_X_FORWARDED_FOR="10.8.0.3, 203.0.113.7").status_code == 200
    assert ask(client, "13700000004", proxy, HTTP_X_FORWARDED_FOR="10.8.0.4, 203.0.113.7").status_code == 429
    assert ask(client, "13700000005", proxy, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200


def test_a_bad_phone_or_a_failing_gateway_sends_nothing(tree, client, settings):
    bad = ask(client, "12345")
    assert bad.status_code == 400 and bad.json()["message"]
    settings.SMS_GATEWAY = "tests.incidents.test_verification.BrokenGateway"
    failed = ask(client, PHONE)
    assert failed.status_code == 503 and failed.json()["message"] == str(verification.CODE_NOT_SENT)


class BrokenGateway:
    def send(self, phone, text):
        raise ConnectionError("the SMS provider is down")


def test_old_codes_are_pruned_daily(tree, client, sms_code, clock):
    sms_code(PHONE)
    clock.shift(timedelta(days=1, seconds=1))
    sms_code(OTHER_PHONE)
    assert prune_phone_codes() == 1 and PhoneCode.objects.count() == 1


def test_the_sms_text_carries_the_code_in_the_citizens_language(tree, client, caplog, sms_code):
    code = sms_code(PHONE)
    assert "验证码" in caplog.records[-1].getMessage() and code == sent_code(caplog)
