import pytest

from accounts.models import HandlingUnit
from govportal.api import NewestFirstPagination
from grids.coords import wgs84_to_gcj02
from incidents.models import Ticket
from incidents.services import ticket_route


NEW = {"category": "0102", "description": "楼道堆放杂物", "lat": 23.005, "lng": 113.705}


def test_categories_list_the_catalogue_with_codes(catalogue, actors, api):
    body = api(actors.grid_worker).get("/api/v1/categories/").json()
    by_code = {c["code"]: c for c in body}
    assert by_code["0102"]["parent"] == "01" and by_code["0102"]["name"] == "乱堆放"
    assert by_code["0801"]["is_dispute"] is True


def test_create_answers_201_with_number_and_routing_fields(catalogue, actors, api):
    response = api(actors.grid_worker).post("/api/v1/tickets/", NEW, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["number"].startswith("SJ") and body["status"] == "reported"
    assert body["grid"] == "441901001001001"  # located at intake
    assert body["handling_unit"] is None  # routed by the worker, not the request
    ticket_route(ticket_id=body["id"])
    detail = api(actors.grid_worker).get(f"/api/v1/tickets/{body['id']}/").json()
    assert detail["handling_unit"]["kind"] == "community_committee"


def test_create_accepts_gcj02_and_stores_wgs84(catalogue, actors, api):
    lng, lat = wgs84_to_gcj02(113.715, 23.005)
    body = api(actors.grid_worker).post("/api/v1/tickets/", {**NEW, "lat": lat, "lng": lng, "crs": "gcj02"},
                                        format="json").json()
    assert (body["lat"], body["lng"]) == pytest.approx((23.005, 113.715), abs=1e-8)


def test_create_accepts_multipart(catalogue, actors, api):
    response = api(actors.grid_worker).post("/api/v1/tickets/", NEW, format="multipart")
    assert response.status_code == 201


def test_a_retried_post_with_the_same_key_makes_one_ticket(catalogue, actors, api):
    client = api(actors.grid_worker)
    first = client.post("/api/v1/tickets/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    again = client.post("/api/v1/tickets/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Ticket.objects.count() == 1


def test_keys_of_different_users_do_not_collide(catalogue, actors, api):
    a = api(actors.grid_worker).post("/api/v1/tickets/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="same")
    b = api(actors.community_staff).post("/api/v1/tickets/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert a.json()["id"] != b.json()["id"]


def test_bad_input_answers_400_with_field_messages_and_stores_nothing(catalogue, actors, api):
    response = api(actors.grid_worker).post(
        "/api/v1/tickets/", {"category": "01", "description": "", "lat": 30, "lng": 120}, format="json")
    assert response.status_code == 400
    assert {"category", "description"} <= set(response.json()["extra"]["fields"])
    outside = api(actors.grid_worker).post("/api/v1/tickets/", {**NEW, "lat": 30, "lng": 120}, format="json")
    assert outside.status_code == 400 and "lat" in outside.json()["extra"]["fields"]
    assert Ticket.objects.count() == 0


def test_actions_answer_200_403_404_409_and_400(report, actors, api):
    ticket = report()
    assert api(actors.outsider).post(f"/api/v1/tickets/{ticket.pk}/accept/").status_code == 404  # not theirs to see
    assert api(actors.grid_worker).post(f"/api/v1/tickets/{ticket.pk}/accept/").status_code == 403  # seen, not theirs
    assert api(actors.community_staff).post(f"/api/v1/tickets/{ticket.pk}/sign/").status_code == 409
    bad = api(actors.community_staff).post(f"/api/v1/tickets/{ticket.pk}/reject/", {"reason_code": "x"})
    assert bad.status_code == 400 and "reason_code" in bad.json()["extra"]["fields"]
    ok = api(actors.community_staff).post(f"/api/v1/tickets/{ticket.pk}/accept/")
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"
    assert api(actors.community_staff).post(f"/api/v1/tickets/{ticket.pk}/fly/").status_code == 404


def test_dispatch_by_unit_code_and_the_timeline(report, actors, api):
    ticket = report("0103")
    coordinator = api(actors.street_coordinator)
    coordinator.post(f"/api/v1/tickets/{ticket.pk}/accept/")
    department = HandlingUnit.objects.get(department="urban_management")
    response = coordinator.post(f"/api/v1/tickets/{ticket.pk}/dispatch/", {"unit": department.code})
    assert response.status_code == 200 and response.json()["handling_unit"]["code"] == department.code
    detail = api(actors.department_handler).get(f"/api/v1/tickets/{ticket.pk}/").json()
    assert set(detail["allowed_actions"]) == {"sign", "return"}
    timeline = api(actors.department_handler).get(f"/api/v1/tickets/{ticket.pk}/timeline/").json()
    assert [e["action"] for e in timeline] == ["report", "route", "accept", "dispatch"]
    assert timeline[-1]["actor"] == actors.street_coordinator.username


def test_list_is_scoped_and_filtered(report, actors, api):
    from tests.incidents.conftest import EAST_POINT

    mine = report()
    report(point=EAST_POINT)
    ids = [t["id"] for t in api(actors.street_coordinator).get("/api/v1/tickets/").json()["results"]]
    assert ids == [mine.pk]
    assert api(actors.street_coordinator).get("/api/v1/tickets/", {"status": "closed"}).json()["results"] == []
    outside, missing = (api(actors.outsider).get(f"/api/v1/tickets/{pk}/") for pk in (mine.pk, 999999))
    assert outside.status_code == missing.status_code == 404  # outside the scope as if there were none
    assert outside.json() == missing.json()


def test_an_admin_lists_and_reads_every_ticket(report, actors, api):
    from tests.incidents.conftest import EAST_POINT

    tickets = {report().pk, report(point=EAST_POINT).pk}
    client = api(actors.admin)
    assert {t["id"] for t in client.get("/api/v1/tickets/").json()["results"]} == tickets
    assert all(client.get(f"/api/v1/tickets/{pk}/").status_code == 200 for pk in tickets)


def test_list_filters_by_state_overdue_and_category_prefix(bulk_tickets, actors, api):
    late, = bulk_tickets(1, overdue_count=2)
    handled, = bulk_tickets(1, status=Ticket.Status.HANDLED)
    client = api(actors.street_coordinator)

    def ids(**query):
        return {t["id"] for t in client.get("/api/v1/tickets/", query).json()["results"]}

    assert ids(overdue="true") == {late.pk}
    assert ids(overdue="false") == {handled.pk}
    assert ids(status="handled") == {handled.pk}
    assert ids(category="01") == ids(category="0102") == {late.pk, handled.pk}
    assert ids(category="02") == set()


def test_list_refuses_filter_values_it_cannot_read(catalogue, actors, api):
    response = api(actors.street_coordinator).get("/api/v1/tickets/", {"status": "lost", "overdue": "perhaps"})
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {"status", "overdue"}


def test_list_pages_newest_first_and_loses_nothing_between_pages(bulk_tickets, actors, api):
    client = api(actors.street_coordinator)
    made = bulk_tickets(NewestFirstPagination.page_size + 5)
    first = client.get("/api/v1/tickets/").json()
    assert len(first["results"]) == NewestFirstPagination.page_size and first["previous"] is None

    bulk_tickets(3)  # reported while the client pages: they come first next time, and shift nothing
    second = client.get(first["next"]).json()
    assert second["next"] is None
    seen = [t["id"] for t in first["results"] + second["results"]]
    assert seen == sorted((t.pk for t in made), reverse=True)


def test_an_overlong_idempotency_key_is_refused(catalogue, actors, api):
    response = api(actors.grid_worker).post("/api/v1/tickets/", NEW, format="json", HTTP_IDEMPOTENCY_KEY="k" * 49)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["extra"]["fields"]
    assert Ticket.objects.count() == 0
