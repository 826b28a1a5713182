"""A grid worker may report outside the grids they serve: the report is taken and routed like any
other, and marked for the dispatcher (a badge on the board and the ticket page, a filter)."""

from django.contrib.gis.geos import Point
from django.urls import reverse

from incidents.models import Ticket
from tests.pages import page, zh

from .conftest import EAST_POINT

SECOND_GRID = Point(113.715, 23.005, srid=4326)  # the west community's other grid: not the grid worker's
OUTSIDE = zh("Outside own grids")


def test_a_report_outside_the_workers_grids_is_taken_and_marked(report, actors):
    own = report()
    neighbours = report(point=SECOND_GRID)
    far = report(point=EAST_POINT)
    by_staff = report(point=SECOND_GRID, reporter=actors.community_staff)
    assert [t.outside_own_grids for t in (own, neighbours, far, by_staff)] == [False, True, True, False]
    assert neighbours.handling_unit is not None and far.handling_unit is not None  # routed like any other


def test_the_batch_intake_marks_each_item(catalogue, actors, api):
    items = [{"category": "0102", "description": "楼道堆放杂物", "lat": 23.005, "lng": lng} for lng in (113.705, 113.715)]
    response = api(actors.grid_worker).post("/api/v1/tickets/batch/", {"tickets": items}, format="json")
    assert response.status_code == 201
    numbers = [t["number"] for t in response.json()["tickets"]]
    assert [Ticket.objects.get(number=n).outside_own_grids for n in numbers] == [False, True]


def test_the_dispatcher_sees_the_badge_and_filters_by_it(report, actors, client, api):
    own, outside = report(), report(point=SECOND_GRID)
    client.force_login(actors.street_coordinator)
    board = page(client.get(reverse("ticket-board")))
    assert board.one("a[data-filter=outside_own_grids]").text == f"{OUTSIDE} 1"
    assert board.texts(f"tr[data-ticket={outside.number}] .badge") == [OUTSIDE]
    assert board.texts(f"tr[data-ticket={own.number}] .badge") == []
    filtered = page(client.get(reverse("ticket-board"), {"outside_own_grids": "1"}))
    assert [row.attrs["data-ticket"] for row in filtered.select("tr[data-ticket]")] == [outside.number]
    assert OUTSIDE in page(client.get(reverse("ticket-detail", args=[outside.pk]))).one("h1").text
    assert OUTSIDE not in page(client.get(reverse("ticket-detail", args=[own.pk]))).one("h1").text
    listed = api(actors.street_coordinator).get("/api/v1/tickets/", {"outside_own_grids": "true"}).json()["results"]
    assert [(t["number"], t["outside_own_grids"]) for t in listed] == [(outside.number, True)]
