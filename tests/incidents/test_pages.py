import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import HandlingUnit
from grids.selectors import POINT_OUTSIDE_GRIDS
from incidents import services
from incidents.models import Notification, Ticket
from incidents.sweeps import overdue_escalate
from tests.factories import log_in_verified
from tests.pages import page, zh

from .photos import jpeg

pytestmark = pytest.mark.dated

MONDAY_10 = datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a working day, in working hours


def report_form(**overrides):
    return {"category": "0102", "urgency": "ordinary", "description": "楼道堆放杂物", "address": "人民路1号",
            "lat": "23.005", "lng": "113.705", "idempotency_key": uuid.uuid4().hex, **overrides}


def test_report_form_creates_a_ticket_with_photos(catalogue, actors, client):
    client.force_login(actors.grid_worker)
    form = page(client.get("/tickets/new/"))
    assert form.one("#id_category option[value=0102]").text.endswith("乱堆放")
    response = client.post("/tickets/new/", {**report_form(), "photos": [jpeg()]})
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.pk}/"
    assert ticket.photos.count() == 1 and ticket.reporter == actors.grid_worker


def test_report_form_shows_errors_and_stores_nothing(catalogue, actors, client):
    client.force_login(actors.grid_worker)
    shown = page(client.post("/tickets/new/", report_form(description="", lat="30", lng="120")))
    assert sorted(shown.texts("[role=alert]")) == sorted([zh("This field is required."), zh(POINT_OUTSIDE_GRIDS)])
    assert Ticket.objects.count() == 0


def test_resubmitting_the_same_form_makes_one_ticket(catalogue, actors, client):
    client.force_login(actors.grid_worker)
    data = report_form()
    client.post("/tickets/new/", data)
    client.post("/tickets/new/", data)
    assert Ticket.objects.count() == 1


def actions(shown):
    """Return the names of the actions a ticket's page offers."""
    return [form.attrs["data-action"] for form in shown.select("form[data-action]")]


@time_machine.travel(MONDAY_10, tick=False)
def test_detail_shows_the_ticket_its_deadline_its_holders_actions_and_the_timeline(report, actors, client):
    ticket = report()  # 乱堆放 in the west community: its committee accepts it
    client.force_login(actors.community_staff)
    shown = page(client.get(f"/tickets/{ticket.pk}/"))
    assert shown.one("h1").text == f"{ticket.number} {zh(Ticket.Status.REPORTED)}"
    left = zh("%(hours)s h %(minutes)s min left") % {"hours": 2, "minutes": 0}
    assert shown.one("#deadline").text == (  # a routine matter is accepted within two working hours
        f"{zh(Ticket.DueKind.ACCEPT)}: 2026-11-02 12:00 · {left} ({zh('working time')})")
    assert actions(shown) == ["accept", "reject", "escalate"]
    assert shown.texts("ol.timeline li") == [
        f"2026-11-02 10:00 {zh('Report')} 王网格",
        f"2026-11-02 10:00 {zh('Routed')} {zh('System')} → 西社区居委会",
    ]
    # The dispatching street may only void it (作废, a work order made by mistake).
    for onlooker, offered in ((actors.grid_worker, []), (actors.street_coordinator, ["void"]), (actors.leader, [])):
        client.force_login(onlooker)
        assert actions(page(client.get(f"/tickets/{ticket.pk}/"))) == offered, onlooker.role
    for outsider in (actors.outsider, actors.department_handler):  # the department never held it
        client.force_login(outsider)
        assert client.get(f"/tickets/{ticket.pk}/").status_code == 404


@time_machine.travel(MONDAY_10, tick=False)
def test_an_action_taken_on_the_page_shows_in_the_state_the_actions_and_the_timeline(report, actors, client):
    ticket = report()
    client.force_login(actors.community_staff)
    shown = page(client.post(f"/tickets/{ticket.pk}/act/accept/", follow=True))
    assert shown.one(".message.success").text == zh("%(subject)s: %(status)s, now with %(unit)s.") % {
        "subject": ticket.number, "status": zh(Ticket.Status.ACCEPTED), "unit": "西社区居委会"}
    assert shown.one("h1").text == f"{ticket.number} {zh(Ticket.Status.ACCEPTED)}"
    assert actions(shown) == ["escalate", "request_extension", "handle"]
    assert shown.texts("ol.timeline li")[2:] == [
        f"2026-11-02 10:00 {zh('Accept')} {actors.community_staff} → 西社区居委会"]


def test_actions_from_the_page_go_through_the_services(report, actors, client):
    ticket = report("0103")
    client.force_login(actors.street_coordinator)
    client.post(f"/tickets/{ticket.pk}/act/accept/")
    row = page(client.get("/tickets/board/")).one(f"tr[data-ticket={ticket.number}]")
    assert [cell.text for cell in row.select("td")][1:3] == ["违法建设", zh(Ticket.Status.ACCEPTED)]
    assert row.select(f"select[name=t{ticket.pk}-unit]")
    department = HandlingUnit.objects.get(department="urban_management")
    dispatched = client.post(f"/tickets/{ticket.pk}/act/dispatch/",
                             {"prefix": f"t{ticket.pk}", f"t{ticket.pk}-unit": department.code, "next": "/tickets/board/"})
    # Back on the board at the row acted on (its deadline moved it): the browser scrolls there.
    assert dispatched["Location"] == f"/tickets/board/#ticket-{ticket.pk}"
    assert page(client.get("/tickets/board/")).one(f"tr#ticket-{ticket.pk}")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.handling_unit) == (Ticket.Status.DISPATCHED, department)
    client.force_login(actors.department_handler)
    inbox = page(client.get("/tickets/inbox/"))
    assert [row[:4] for row in inbox.rows()] == [[ticket.number, "违法建设", zh(Ticket.Status.DISPATCHED), "测试区城管局"]]
    shown = page(client.post(f"/tickets/{ticket.pk}/act/verify/", follow=True))  # not allowed now: a message
    assert zh(Ticket.Status.DISPATCHED) in shown.one(".message.error").text
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.DISPATCHED


def test_my_reports_and_the_verification_queue_list_the_right_tickets(report, actors, client):
    with time_machine.travel(MONDAY_10, tick=False) as clock:
        handled = report()
        services.ticket_accept(ticket_id=handled.pk, actor=actors.community_staff)
        services.ticket_handle(ticket_id=handled.pk, actor=actors.community_staff, feedback="已清理")
        clock.shift(timedelta(minutes=5))
        waiting = report()
        client.force_login(actors.grid_worker)
        # Accepting is due two working hours after the report (10:05 → 12:00, then 14:00 → 14:05),
        # verifying one working day after the handling.
        assert page(client.get("/tickets/mine/")).rows() == [
            [waiting.number, "乱堆放", zh(Ticket.Status.REPORTED), "西社区居委会", f"11-02 14:05 · {zh(Ticket.DueKind.ACCEPT)}",
             "11-02 10:05"],
            [handled.number, "乱堆放", zh(Ticket.Status.HANDLED), "西社区居委会",
             f"11-03 10:00 · {zh(Ticket.DueKind.VERIFY)}", "11-02 10:00"],
        ]
        assert [row[:3] for row in page(client.get("/tickets/verify/")).rows()] == [
            [handled.number, "乱堆放", zh(Ticket.Status.HANDLED)]]
        client.force_login(actors.department_handler)  # sees the tickets, but neither reported nor verifies them
        assert page(client.get("/tickets/mine/")).rows() == [[zh("Nothing here.")]]
        assert page(client.get("/tickets/verify/")).rows() == [[zh("Nothing here.")]]


@time_machine.travel(MONDAY_10, tick=False)
def test_unit_feed_lists_the_units_notices_one_line_each_unread_until_marked_read(report, actors, client):
    ticket = report()
    client.force_login(actors.community_staff)
    assert page(client.get("/notifications/")).texts("ul.notifications li") == [zh("Nothing here.")]  # none in person
    first = page(client.get("/notifications/unit/")).one("ul.notifications li")
    assert first.text == (f"11-02 10:00 {ticket.number} {zh('Routed')} {ticket.category.name} · {ticket.area_code} "
                          f"{zh('Mark as read')}")
    assert first.attrs["class"] == "unread" and first.one("a").attrs["href"] == f"/tickets/{ticket.pk}/"
    assert page(client.get("/notifications/unit/")).one("ul.notifications li").attrs["class"] == "unread"  # reading marks nothing
    client.post("/notifications/read/", {"feed": "unit"})
    assert page(client.get("/notifications/unit/")).one("ul.notifications li").attrs["class"] == ""
    client.force_login(actors.street_coordinator)  # another unit's
    assert page(client.get("/notifications/unit/")).texts("ul.notifications li") == [zh("Nothing here.")]


@time_machine.travel(MONDAY_10, tick=False)
def test_the_reporter_is_told_in_person_when_their_report_waits_for_their_check(report, actors, client):
    ticket = report()
    client.force_login(actors.grid_worker)
    menu = page(client.get("/")).one("nav a[href='/notifications/']")
    assert menu.text == zh("Notifications")  # nothing unread: no count
    services.ticket_accept(ticket_id=ticket.pk, actor=actors.community_staff)
    services.ticket_handle(ticket_id=ticket.pk, actor=actors.community_staff, feedback="已清理")
    assert page(client.get("/")).one("nav a[href='/notifications/'] span.badge").text == "1"
    line = page(client.get("/notifications/")).one("ul.notifications li.unread")
    assert line.text.startswith(f"11-02 10:00 {ticket.number} {zh('Report handled')} {ticket.category.name} · ")
    client.post("/notifications/read/", {"feed": "mine", "notification": line.one("input[name=notification]").attrs["value"]})
    assert page(client.get("/")).select("nav a[href='/notifications/'] span.badge") == []
    client.force_login(actors.community_staff)  # the actor's unit hears nothing in person
    assert page(client.get("/notifications/")).texts("ul.notifications li") == [zh("Nothing here.")]


def test_a_reporter_who_handles_it_is_not_told_and_only_verifiers_are(report, actors):
    own = report(reporter=actors.community_staff)
    services.ticket_accept(ticket_id=own.pk, actor=actors.community_staff)
    services.ticket_handle(ticket_id=own.pk, actor=actors.community_staff, feedback="已清理")
    assert not Notification.objects.filter(user__isnull=False).exists()  # the actor themselves
    by_coordinator = report(reporter=actors.street_coordinator)  # not one who verifies
    services.ticket_accept(ticket_id=by_coordinator.pk, actor=actors.community_staff)
    services.ticket_handle(ticket_id=by_coordinator.pk, actor=actors.community_staff, feedback="已清理")
    assert not Notification.objects.filter(user__isnull=False).exists()


def test_the_handler_is_told_in_person_when_the_check_fails(report, actors):
    ticket = report()
    services.ticket_accept(ticket_id=ticket.pk, actor=actors.community_staff)
    services.ticket_handle(ticket_id=ticket.pk, actor=actors.community_staff, feedback="已清理")
    Ticket.objects.filter(pk=ticket.pk).update(handler=actors.community_staff)
    services.ticket_verify_fail(ticket_id=ticket.pk, actor=actors.grid_worker, reason="仍有杂物")
    assert set(Notification.objects.filter(ticket=ticket, user__isnull=False).values_list("user", "kind")) == {
        (actors.grid_worker.pk, "handle"), (actors.community_staff.pk, "verify_fail")}


@time_machine.travel(MONDAY_10, tick=False)
def test_notifications_show_a_sweep_digest_with_its_work_orders(report, actors, client):
    first, second = report(), report()
    client.force_login(actors.community_staff)
    client.post("/notifications/read/", {"feed": "unit"})  # the routing notices
    overdue_escalate(now=max(first.due_at, second.due_at) + timedelta(minutes=1))
    digest = page(client.get("/notifications/unit/")).one("ul.notifications li.unread")
    numbers = sorted([first.number, second.number])
    assert re.search(rf" {zh('Overdue')} 2 \S+ {', '.join(numbers)} {zh('Mark as read')}$", digest.text), digest.text
    assert sorted(a.text for a in digest.select("span.digest a")) == numbers
    assert {a.attrs["href"] for a in digest.select("span.digest a")} == {f"/tickets/{first.pk}/", f"/tickets/{second.pk}/"}


def test_admin_shows_work_orders_read_only_and_edits_the_catalogue(report, actors, client):
    ticket = report()
    log_in_verified(client, actors.admin)
    change = client.get(f"/admin/incidents/ticket/{ticket.pk}/change/")
    assert change.status_code == 200 and ticket.number in change.content.decode()
    close = page(change).one("a.closelink")  # the view-only page's way back: the admin's own word, not 结案
    assert close.text == "关闭"
    assert client.post(f"/admin/incidents/ticket/{ticket.pk}/change/", {"status": "closed"}).status_code == 403
    assert client.get("/admin/incidents/category/").status_code == 200
    assert client.get("/admin/incidents/workingday/").status_code == 200


def test_board_offers_one_click_extension_approval_only_once_one_is_asked(report, actors, client):
    client.force_login(actors.street_coordinator)
    ticket2 = report()
    services.ticket_accept(ticket_id=ticket2.pk, actor=actors.community_staff)
    assert "/act/approve_extension/" not in client.get("/tickets/board/").content.decode()  # nothing asked
    services.ticket_request_extension(ticket_id=ticket2.pk, actor=actors.community_staff, minutes=60, reason="等待材料")
    board = client.get("/tickets/board/").content.decode()
    assert f'action="/tickets/{ticket2.pk}/act/approve_extension/"' in board
    client.post(f"/tickets/{ticket2.pk}/act/approve_extension/", {"next": "/tickets/board/"})
    assert Ticket.objects.get(pk=ticket2.pk).extension_requested_minutes is None


def test_dispatch_offers_the_categorys_default_department_first(report, actors, client):
    ticket = report("0103")  # 违法建设: the street holds it first; its default department is urban management
    services.ticket_accept(ticket_id=ticket.pk, actor=actors.street_coordinator)
    assert ticket.category.default_department == "urban_management"
    client.force_login(actors.street_coordinator)
    shown = page(client.get(f"/tickets/{ticket.pk}/"))
    selected = shown.one("form[data-action=dispatch] select option[selected]")
    department = HandlingUnit.objects.get(code=selected.attrs["value"])
    assert (department.department, department.area_id) == ("urban_management", ticket.district_id)


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
