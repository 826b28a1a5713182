"""POST /api/v1/tickets/batch/: many work orders in one request, all or nothing, keys per ticket."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grids.selectors import grid_locate
from incidents.models import RoutingRequest, Ticket, TicketEvent
from incidents.routing import tickets_route_pending
from incidents.services import IDEMPOTENCY_KEY_REUSED_IN_BATCH, TicketDraft, ticket_create_batch

from tests.concurrency import run_at_once

from .conftest import WEST_POINT
from .test_api import NEW

URL = "/api/v1/tickets/batch/"
EAST = {"category": "0102", "description": "路灯不亮", "lat": 23.005, "lng": 113.725}


def items(count, **extra):
    return [{**(NEW if i % 2 else EAST), "key": f"k-{i}", **extra} for i in range(count)]


def test_a_batch_makes_located_numbered_tickets_routed_like_single_ones(catalogue, actors, api):
    response = api(actors.grid_worker).post(URL, {"tickets": items(4)}, format="json")
    assert response.status_code == 201
    body = response.json()["tickets"]
    assert [row["grid"] for row in body] == ["441901002001001", "441901001001001"] * 2
    assert all(row["created"] and row["status"] == "reported" for row in body)
    numbers = [row["number"] for row in body]
    assert len(set(numbers)) == 4 and numbers == sorted(numbers)  # one consecutive range
    tickets = Ticket.objects.in_bulk([row["id"] for row in body])
    assert {t.source for t in tickets.values()} == {Ticket.Source.GRID_WORKER}
    assert {t.handle_minutes for t in tickets.values()} == {catalogue["0102"].time_limit("ordinary").handle_minutes}
    assert TicketEvent.objects.filter(ticket__in=tickets, action="report", actor=actors.grid_worker).count() == 4
    assert tickets_route_pending() == 4
    assert not Ticket.objects.filter(pk__in=tickets, handling_unit__isnull=True).exists()
    single = api(actors.grid_worker).post("/api/v1/tickets/", NEW, format="json").json()
    assert single["number"] > numbers[-1]  # the single intake continues the same day's numbers


def test_the_queries_of_a_batch_do_not_grow_with_its_size(catalogue, actors, api):
    def queries(count, offset):
        batch = [{**item, "key": f"{offset}-{item['key']}"} for item in items(count)]
        with CaptureQueriesContext(connection) as captured:
            assert api(actors.grid_worker).post(URL, {"tickets": batch}, format="json").status_code == 201
        return len(captured)

    assert queries(2, "a") == queries(40, "b")


def test_a_retried_batch_returns_the_same_tickets_and_makes_only_the_new_ones(catalogue, actors, api):
    first = api(actors.grid_worker).post(URL, {"tickets": items(3)}, format="json").json()["tickets"]
    again = api(actors.grid_worker).post(URL, {"tickets": items(3)}, format="json")
    assert again.status_code == 200
    assert [row["id"] for row in again.json()["tickets"]] == [row["id"] for row in first]
    assert not any(row["created"] for row in again.json()["tickets"])
    more = api(actors.grid_worker).post(URL, {"tickets": items(5)}, format="json").json()["tickets"]
    assert [row["created"] for row in more] == [False, False, False, True, True]
    assert Ticket.objects.count() == 5
    single = api(actors.grid_worker).post("/api/v1/tickets/", EAST, format="json", HTTP_IDEMPOTENCY_KEY="k-0")
    assert (single.status_code, single.json()["id"]) == (200, first[0]["id"])  # one key space with the single POST


def test_an_item_whose_key_made_another_work_order_answers_409_and_stores_nothing(catalogue, actors, api):
    assert api(actors.grid_worker).post(URL, {"tickets": items(2)}, format="json").status_code == 201
    batch = items(3)
    batch[1] = {**batch[1], "description": "路灯不亮"}
    response = api(actors.grid_worker).post(URL, {"tickets": batch}, format="json")
    assert (response.status_code, response.json()["message"]) == (409, IDEMPOTENCY_KEY_REUSED_IN_BATCH % {"index": 1})
    assert Ticket.objects.count() == 2  # the third, new, is not made either: all or nothing


def test_one_bad_item_answers_400_per_item_and_stores_nothing(catalogue, actors, api):
    batch = items(4)
    batch[1] = {**batch[1], "lat": 0, "lng": 0}  # in no grid
    batch[2] = {**batch[2], "category": "01"}  # a major category
    batch[3] = {**batch[3], "key": "k-0"}  # the key of item 0
    response = api(actors.grid_worker).post(URL, {"tickets": batch}, format="json")
    assert response.status_code == 400
    fields = response.json()["extra"]["fields"]["tickets"]  # keyed by the index of each bad item
    assert {index: set(errors) for index, errors in fields.items()} == {
        "1": {"lat", "lng"}, "2": {"category"}, "3": {"key"}}
    malformed = [items(1)[0], {"category": "0102"}]
    fields = api(actors.grid_worker).post(URL, {"tickets": malformed}, format="json").json()["extra"]["fields"]
    assert {index: set(errors) for index, errors in fields["tickets"].items()} == {"1": {"description", "lat", "lng"}}
    assert api(actors.grid_worker).post(URL, {"tickets": []}, format="json").status_code == 400
    too_many = api(actors.grid_worker).post(URL, {"tickets": items(201)}, format="json")
    assert too_many.status_code == 400
    assert not Ticket.objects.exists() and not RoutingRequest.objects.exists()


def test_urgency_and_source_follow_the_single_intakes_rules(catalogue, actors, api):
    not_allowed = api(actors.grid_worker).post(URL, {"tickets": items(1, urgency="complex"), "source": "sensor"},
                                               format="json")
    assert set(not_allowed.json()["extra"]["fields"]) == {"source"}
    actors.grid_worker.is_superuser = True
    actors.grid_worker.save()
    sensor = api(actors.grid_worker).post(URL, {"tickets": items(1), "source": "sensor"}, format="json")
    assert Ticket.objects.get(pk=sensor.json()["tickets"][0]["id"]).source == Ticket.Source.SENSOR
    assert api(None).post(URL, {"tickets": items(1)}, format="json").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_batches_with_the_same_keys_make_each_ticket_once(tree, actors, catalogue):
    drafts = [
        TicketDraft(category=catalogue["0102"], description=f"杂物 {i}", location=WEST_POINT,
                    place=grid_locate(WEST_POINT), idempotency_key=f"sensor:{i}")
        for i in range(30)
    ]
    results = run_at_once(lambda: ticket_create_batch(source=Ticket.Source.SENSOR, reporter=None, drafts=drafts))
    assert len(results) == 2
    assert [t.pk for t, _ in results[0]] == [t.pk for t, _ in results[1]]
    assert sum(created for result in results for _, created in result) == 30
    assert Ticket.objects.count() == 30 and RoutingRequest.objects.count() == 30
