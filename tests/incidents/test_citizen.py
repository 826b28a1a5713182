import uuid

import pytest
from django.core.cache import cache

from govportal.crypto import blind_index, decrypt
from incidents import services
from incidents.models import RewardEntry, Ticket

from .photos import jpeg

pytestmark = pytest.mark.dated


def citizen_form(**overrides):
    return {"category": "0102", "description": "路边垃圾堆积", "phone": "13812341234", "lat": "23.005",
            "lng": "113.705", "idempotency_key": uuid.uuid4().hex, **overrides}


def test_a_citizen_reports_without_logging_in(catalogue, actors, client):
    page = client.post("/report/", {**citizen_form(), "photos": [jpeg()]})
    ticket = Ticket.objects.get()
    assert page.status_code == 200 and ticket.number in page.content.decode()
    assert (ticket.source, ticket.reporter, decrypt(ticket.reporter_phone_encrypted)) == ("citizen", None, "13812341234")
    assert ticket.reporter_phone_masked == "138****1234"


def test_bad_phone_is_a_form_error(tree, catalogue, client):
    page = client.post("/report/", citizen_form(phone="12345"))
    assert 'role="alert"' in page.content.decode()
    assert Ticket.objects.count() == 0


def test_reports_are_rate_limited_per_phone(tree, catalogue, client, settings):
    settings.CITIZEN_REPORTS_PER_HOUR = 2
    phone = f"139{uuid.uuid4().int % 10**8:08d}"  # fresh counters on every run
    for _ in range(3):
        client.post("/report/", citizen_form(phone=phone), REMOTE_ADDR=f"10.0.{uuid.uuid4().int % 250}.1")
    assert Ticket.objects.count() == 2
    # Counted under the number's keyed hash: the clear number is no cache key.
    assert cache.get(f"ratelimit:citizen-phone:{blind_index(phone)}") == 3
    assert cache.get(f"ratelimit:citizen-phone:{phone}") is None


def test_a_valid_report_earns_points_once(catalogue, actors, client):
    client.post("/report/", citizen_form())
    ticket = services.ticket_route(ticket_id=Ticket.objects.get().pk)
    services.ticket_accept(ticket_id=ticket.pk, actor=actors.community_staff)
    entry = RewardEntry.objects.get()
    assert (decrypt(entry.phone_encrypted), entry.points, entry.ticket_id) == ("13812341234", 10, ticket.pk)
    assert (entry.phone_masked, entry.phone_hash) == ("138****1234", blind_index("13812341234"))


def test_a_rejected_report_earns_nothing(catalogue, actors, client):
    client.post("/report/", citizen_form())
    ticket = services.ticket_route(ticket_id=Ticket.objects.get().pk)
    services.ticket_reject(ticket_id=ticket.pk, actor=actors.community_staff, reason_code="invalid")
    assert RewardEntry.objects.count() == 0
