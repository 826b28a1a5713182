import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from govportal.crypto import blind_index, decrypt
from incidents import services
from incidents.models import Ticket
from participation.models import PointEntry

from .photos import jpeg

pytestmark = [pytest.mark.dated, pytest.mark.usefixtures("fresh_rate_limits")]


def citizen_form(**overrides):
    return {"category": "0102", "description": "路边垃圾堆积", "phone": "13812341234", "lat": "23.005",
            "lng": "113.705", "idempotency_key": uuid.uuid4().hex, **overrides}


def test_a_citizen_reports_without_logging_in(catalogue, actors, client, sms_code):
    page = client.post("/report/", {**citizen_form(code=sms_code("13812341234")), "photos": [jpeg()]})
    ticket = Ticket.objects.get()
    assert page.status_code == 200 and ticket.number in page.content.decode()
    assert (ticket.source, ticket.reporter, decrypt(ticket.reporter_phone_encrypted)) == ("citizen", None, "13812341234")
    assert ticket.reporter_phone_masked == "138****1234"


def test_bad_phone_is_a_form_error(tree, catalogue, client):
    page = client.post("/report/", citizen_form(phone="12345"))
    assert 'role="alert"' in page.content.decode()
    assert Ticket.objects.count() == 0


def test_reports_are_rate_limited_per_phone(tree, catalogue, client, settings, sms_code):
    settings.CITIZEN_REPORTS_PER_HOUR = 2
    phone = f"139{uuid.uuid4().int % 10**8:08d}"  # fresh counters on every run
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(3):
            address = f"10.0.{uuid.uuid4().int % 250}.1"
            client.post("/report/", citizen_form(phone=phone, code=sms_code(phone, address)), REMOTE_ADDR=address)
            clock.shift(timedelta(minutes=1))  # a phone gets one code a minute
    assert Ticket.objects.count() == 2
    # Counted under the number's keyed hash: the clear number is no cache key.
    assert cache.get(f"ratelimit:citizen-phone:{blind_index(phone)}") == 3
    assert cache.get(f"ratelimit:citizen-phone:{phone}") is None


def test_behind_the_proxy_reports_are_limited_per_client_address_whatever_is_forged(tree, catalogue, client,
                                                                                   settings, sms_code):
    settings.CITIZEN_REPORTS_PER_HOUR, settings.TRUSTED_PROXY_HOPS = 1, 1
    for phone, forged in (("13700000001", "10.8.0.1"), ("13700000002", "10.8.0.2")):
        client.post("/report/", citizen_form(phone=phone, code=sms_code(phone)), REMOTE_ADDR="10.0.0.1",
                    HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.7")
    assert Ticket.objects.count() == 1


def test_a_valid_report_earns_points_once(catalogue, actors, client, sms_code):
    client.post("/report/", citizen_form(code=sms_code("13812341234")))
    ticket = services.ticket_route(ticket_id=Ticket.objects.get().pk)
    services.ticket_accept(ticket_id=ticket.pk, actor=actors.community_staff)
    entry = PointEntry.objects.select_related("participant").get()  # the one points ledger (participation)
    reporter = entry.participant
    assert (decrypt(reporter.phone_encrypted), entry.points, entry.ticket_id) == ("13812341234", 10, ticket.pk)
    assert (reporter.phone_masked, reporter.phone_hash) == ("138****1234", blind_index("13812341234"))


def test_a_rejected_report_earns_nothing(catalogue, actors, client, sms_code):
    client.post("/report/", citizen_form(code=sms_code("13812341234")))
    ticket = services.ticket_route(ticket_id=Ticket.objects.get().pk)
    services.ticket_reject(ticket_id=ticket.pk, actor=actors.community_staff, reason_code="invalid")
    assert PointEntry.objects.count() == 0
