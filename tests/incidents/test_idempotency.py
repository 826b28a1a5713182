"""An idempotency key makes one work order: the same request again is a retry, answered with that work
order; another request under the key is a conflict (409 on the API, a form error on the pages), never
answered with a work order that is not the one asked for."""

import pytest

from incidents import services
from incidents.forms import FORM_SENT_BEFORE
from incidents.models import Ticket
from incidents.services import IDEMPOTENCY_KEY_REUSED, IdempotencyKeyReused
from incidents.views import CITIZEN_REPORT_SENT_BEFORE
from tests.pages import page, zh

from .conftest import EAST_POINT, WEST_POINT
from .photos import jpeg
from .test_api import NEW
from .test_citizen import citizen_form
from .test_pages import report_form


def create(catalogue, actors, **changes):
    """Make (or meet again) the grid worker's report under the key "k-1", with `changes`."""
    arguments = {"source": Ticket.Source.GRID_WORKER, "category": catalogue["0102"], "description": "楼道堆放杂物",
                 "location": WEST_POINT, "reporter": actors.grid_worker, "idempotency_key": "k-1"}
    return services.ticket_create(**arguments | changes)


def test_a_retry_is_answered_with_its_work_order_whatever_it_left_to_the_defaults(catalogue, actors):
    first, created = create(catalogue, actors)
    again, created_again = create(catalogue, actors, urgency="ordinary", address="", photos=[])  # now spelled out
    assert (again.pk, created, created_again) == (first.pk, True, False)
    assert len(first.request_fingerprint) == 64


@pytest.mark.parametrize("change", [
    {"description": "路灯不亮"}, {"location": EAST_POINT}, {"address": "人民路1号"}, {"urgency": "complex"},
    {"category": "0101"}, {"photos": [jpeg()]}, {"position_source": "map"},
], ids=lambda change: next(iter(change)))
def test_the_key_sent_with_another_request_is_a_conflict(catalogue, actors, change):
    first, _ = create(catalogue, actors)
    if "category" in change:
        change = {"category": catalogue[change["category"]]}
    with pytest.raises(IdempotencyKeyReused) as refused:
        create(catalogue, actors, **change)
    assert str(refused.value) == str(IDEMPOTENCY_KEY_REUSED)
    assert list(Ticket.objects.values_list("pk", "description")) == [(first.pk, "楼道堆放杂物")]


def test_a_citizens_number_is_part_of_the_request_but_not_readable_in_its_fingerprint(tree, catalogue):
    citizen = {"source": Ticket.Source.CITIZEN, "category": catalogue["0102"], "description": "路边垃圾堆积",
               "location": WEST_POINT, "idempotency_key": services.idempotency_key_of(None, "k-1")}
    ticket, _ = services.ticket_create(**citizen, reporter_phone="13812341234")
    with pytest.raises(IdempotencyKeyReused):
        services.ticket_create(**citizen, reporter_phone="13998769876")
    fingerprint = services.ticket_fingerprint(
        source=Ticket.Source.CITIZEN, category=catalogue["0102"], urgency="ordinary", description="路边垃圾堆积",
        address="", location=WEST_POINT, reporter_phone="13812341234")
    assert ticket.request_fingerprint == fingerprint and "13812341234" not in fingerprint  # a keyed hash


def test_a_work_order_made_before_fingerprints_answers_its_key_as_before(catalogue, actors):
    first, _ = create(catalogue, actors)
    Ticket.objects.filter(pk=first.pk).update(request_fingerprint="")
    again, created = create(catalogue, actors, description="路灯不亮")
    assert (again.pk, created) == (first.pk, False)


def test_the_api_answers_409_for_another_request_under_the_key_and_the_work_order_for_a_retry(
        catalogue, actors, api):
    client = api(actors.grid_worker)
    first = client.post("/api/v1/tickets/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="draft-1")
    retry = client.post("/api/v1/tickets/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="draft-1")
    assert (first.status_code, retry.status_code, retry.json()["id"]) == (201, 200, first.json()["id"])
    other = {**NEW, "description": "路灯不亮"}
    refused = client.post("/api/v1/tickets/", other, format="json", HTTP_IDEMPOTENCY_KEY="draft-1")
    assert (refused.status_code, refused.json()) == (409, {"message": str(IDEMPOTENCY_KEY_REUSED), "extra": {}})
    colleagues = api(actors.community_staff).post("/api/v1/tickets/", other, format="json",
                                                  HTTP_IDEMPOTENCY_KEY="draft-1")
    assert colleagues.status_code == 201  # each account has its own keys
    assert Ticket.objects.count() == 2


def test_the_report_page_sent_again_changed_shows_a_form_error_and_takes_it_as_new_once_sent_again(
        catalogue, actors, client):
    client.force_login(actors.grid_worker)
    sent = report_form()
    client.post("/tickets/new/", sent)
    changed = {**sent, "description": "路灯不亮"}
    shown = client.post("/tickets/new/", changed)
    assert shown.status_code == 200 and page(shown).texts("[role=alert]") == [zh(FORM_SENT_BEFORE)]
    renewed = shown.context["form"]["idempotency_key"].value()
    assert renewed != sent["idempotency_key"] and Ticket.objects.count() == 1
    made = client.post("/tickets/new/", {**changed, "idempotency_key": renewed})
    assert made.status_code == 302
    assert list(Ticket.objects.order_by("pk").values_list("description", flat=True)) == ["楼道堆放杂物", "路灯不亮"]


@pytest.mark.dated
@pytest.mark.usefixtures("fresh_rate_limits")
def test_the_citizen_page_sent_again_changed_shows_a_form_error_not_the_first_ticket(
        catalogue, actors, client, sms_code):
    sent = citizen_form(code=sms_code("13812341234"))
    first = client.post("/report/", sent)
    ticket = Ticket.objects.get()
    assert ticket.number in first.content.decode()
    shown = client.post("/report/", {**sent, "description": "路灯不亮"})
    assert shown.context["form"].non_field_errors() == [str(CITIZEN_REPORT_SENT_BEFORE)]
    assert ticket.number not in shown.content.decode() and Ticket.objects.count() == 1
    assert shown.context["idempotency_key"] != sent["idempotency_key"]  # sent again: a new report
