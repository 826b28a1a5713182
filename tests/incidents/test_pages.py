import uuid

from incidents import services
from incidents.models import Ticket

from .photos import jpeg


def report_form(**overrides):
    return {"category": "0102", "urgency": "ordinary", "description": "楼道堆放杂物", "address": "人民路1号",
            "lat": "23.005", "lng": "113.705", "idempotency_key": uuid.uuid4().hex, **overrides}


def test_report_form_creates_a_ticket_with_photos(catalogue, actors, client):
    client.force_login(actors.grid_worker)
    page = client.get("/tickets/new/")
    assert page.status_code == 200 and "乱堆放" in page.content.decode()
    response = client.post("/tickets/new/", {**report_form(), "photos": [jpeg()]})
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.pk}/"
    assert ticket.photos.count() == 1 and ticket.reporter == actors.grid_worker


def test_report_form_shows_errors_and_stores_nothing(catalogue, actors, client):
    client.force_login(actors.grid_worker)
    page = client.post("/tickets/new/", report_form(description="", lat="30", lng="120"))
    assert page.status_code == 200
    assert 'role="alert"' in page.content.decode()
    assert Ticket.objects.count() == 0


def test_resubmitting_the_same_form_makes_one_ticket(catalogue, actors, client):
    client.force_login(actors.grid_worker)
    data = report_form()
    client.post("/tickets/new/", data)
    client.post("/tickets/new/", data)
    assert Ticket.objects.count() == 1


def test_detail_shows_timeline_deadline_and_actions(report, actors, client):
    ticket = report()
    client.force_login(actors.community_staff)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert ticket.number in page and 'data-action="accept"' in page and 'data-action="reject"' in page
    assert 'id="deadline"' in page
    client.force_login(actors.outsider)
    assert client.get(f"/tickets/{ticket.pk}/").status_code == 403


def test_actions_from_the_page_go_through_the_services(report, actors, client):
    ticket = report("0103")
    client.force_login(actors.street_coordinator)
    client.post(f"/tickets/{ticket.pk}/act/accept/")
    board = client.get("/tickets/board/").content.decode()
    assert ticket.number in board and 'name="t%d-unit"' % ticket.pk in board
    from accounts.models import HandlingUnit

    department = HandlingUnit.objects.get(department="urban_management")
    client.post(f"/tickets/{ticket.pk}/act/dispatch/",
                {"prefix": f"t{ticket.pk}", f"t{ticket.pk}-unit": department.code, "next": "/tickets/board/"})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.handling_unit) == (Ticket.Status.DISPATCHED, department)
    client.force_login(actors.department_handler)
    assert ticket.number in client.get("/tickets/inbox/").content.decode()
    response = client.post(f"/tickets/{ticket.pk}/act/verify/")  # not allowed now: a message, no change
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.DISPATCHED


def test_lists_and_notifications_render(report, actors, client):
    report()
    client.force_login(actors.grid_worker)
    assert client.get("/tickets/mine/").status_code == 200
    assert client.get("/tickets/verify/").status_code == 200
    client.force_login(actors.community_staff)
    page = client.get("/notifications/").content.decode()
    assert "SJ" in page


def test_admin_shows_work_orders_read_only_and_edits_the_catalogue(report, actors, client):
    ticket = report()
    client.force_login(actors.admin)
    page = client.get(f"/admin/incidents/ticket/{ticket.pk}/change/")
    assert page.status_code == 200 and ticket.number in page.content.decode()
    assert client.post(f"/admin/incidents/ticket/{ticket.pk}/change/", {"status": "closed"}).status_code == 403
    assert client.get("/admin/incidents/category/").status_code == 200
    assert client.get("/admin/incidents/workingday/").status_code == 200


def test_board_offers_one_click_extension_approval(report, actors, client):
    client.force_login(actors.street_coordinator)
    ticket2 = report()
    services.ticket_accept(ticket_id=ticket2.pk, actor=actors.community_staff)
    services.ticket_request_extension(ticket_id=ticket2.pk, actor=actors.community_staff, minutes=60, reason="等待材料")
    board = client.get("/tickets/board/").content.decode()
    assert f'action="/tickets/{ticket2.pk}/act/approve_extension/"' in board
    client.post(f"/tickets/{ticket2.pk}/act/approve_extension/", {"next": "/tickets/board/"})
    assert Ticket.objects.get(pk=ticket2.pk).extension_requested_minutes is None


def test_board_queries_do_not_grow_with_the_number_of_rows(report, actors, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(actors.street_coordinator)

    def board_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/tickets/board/").status_code == 200
        return len(queries)

    def dispatchable():
        ticket = report("0103")
        services.ticket_accept(ticket_id=ticket.pk, actor=actors.street_coordinator)

    dispatchable()
    one = board_queries()
    for _ in range(4):
        dispatchable()
    assert board_queries() == one


def test_board_filters_like_the_api_and_leaves_out_a_value_it_cannot_read(bulk_tickets, actors, client):
    late, on_time = bulk_tickets(1, overdue_count=1)[0], bulk_tickets(1)[0]
    client.force_login(actors.street_coordinator)

    def shown(query):
        page = client.get("/tickets/board/", query)
        return {ticket.number for ticket in page.context["tickets"]}

    assert shown({"overdue": "1"}) == {late.number}
    assert shown({"overdue": "0", "category": "0102"}) == {on_time.number}
    assert shown({"status": "lost", "overdue": "perhaps"}) == {late.number, on_time.number}
