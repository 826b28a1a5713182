"""Nothing deleted: a work order is never deleted (model, bulk, admin), its events and photos are
protected; one made by mistake is voided by its dispatching street, with a reason."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import PROTECT, ProtectedError

from govportal.workflow import REASON_REQUIRED, TransitionNotAllowed
from incidents import services
from incidents.models import TICKET_IS_PERMANENT, Notification, Ticket, TicketEvent, TicketPhoto
from tests.pages import page, zh
from tests.factories import log_in_verified


def test_a_work_order_is_never_deleted_one_by_one_in_bulk_or_in_the_admin(report, actors, client):
    ticket = report()
    for delete in (ticket.delete, Ticket.objects.filter(pk=ticket.pk).delete, Ticket.objects.all().delete):
        with pytest.raises(ProtectedError) as refused:
            delete()
        assert refused.value.args[0] == str(TICKET_IS_PERMANENT)
    log_in_verified(client, actors.admin)  # the admin site asks administrators for their second factor
    assert client.get(f"/admin/incidents/ticket/{ticket.pk}/delete/").status_code == 403
    assert client.post(f"/admin/incidents/ticket/{ticket.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Ticket.objects.filter(pk=ticket.pk).exists() and ticket.events.count() == 2


def test_events_and_photos_hold_on_to_their_work_order():
    for model in (TicketEvent, TicketPhoto):
        assert model._meta.get_field("ticket").remote_field.on_delete is PROTECT, model


def test_the_dispatching_street_voids_a_work_order_with_a_reason(report, actors):
    ticket = report()  # held by the west community, dispatched by the west street
    with pytest.raises(services.WorkflowInputError) as no_reason:
        services.ticket_void(ticket_id=ticket.pk, actor=actors.street_coordinator, reason=" ")
    assert str(no_reason.value) == str(REASON_REQUIRED)
    voided = services.ticket_void(ticket_id=ticket.pk, actor=actors.street_coordinator, reason="重复上报")
    assert (voided.status, voided.due_at, voided.due_kind) == (Ticket.Status.VOIDED, None, "")
    assert voided.closed_at is not None and voided.status not in Ticket.OPEN_STATUSES
    event = voided.events.last()
    assert (event.action, event.from_status, event.to_status, event.actor, event.reason) == (
        "void", Ticket.Status.REPORTED, Ticket.Status.VOIDED, actors.street_coordinator, "重复上报")
    assert Notification.objects.filter(ticket=ticket, kind="void", unit=actors.community_staff.unit).exists()
    with pytest.raises(TransitionNotAllowed):
        services.ticket_void(ticket_id=ticket.pk, actor=actors.street_coordinator, reason="again")


def test_a_suspended_work_order_is_voided_with_its_paused_clock(report, actors):
    ticket = report("0103")  # the street accepts it itself
    services.ticket_accept(ticket_id=ticket.pk, actor=actors.street_coordinator)
    services.ticket_suspend(ticket_id=ticket.pk, actor=actors.street_coordinator, reason="等待天气")
    voided = services.ticket_void(ticket_id=ticket.pk, actor=actors.street_coordinator, reason="录入错误")
    assert (voided.status, voided.status_before_suspension, voided.paused_minutes_left) == (
        Ticket.Status.VOIDED, "", None)


def test_no_one_else_voids(report, actors):
    ticket = report()
    for user in (actors.community_staff, actors.grid_worker, actors.leader, actors.department_handler,
                 actors.outsider):
        with pytest.raises(PermissionDenied):
            services.ticket_void(ticket_id=ticket.pk, actor=user, reason="重复上报")
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.REPORTED


def test_a_closed_work_order_is_not_voided(report, actors):
    ticket = report()
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.CLOSED)  # test set-up only
    with pytest.raises(TransitionNotAllowed):
        services.ticket_void(ticket_id=ticket.pk, actor=actors.street_coordinator, reason="重复上报")


def test_voiding_on_the_page_and_in_the_api(report, actors, client, api):
    first, second = report(), report()
    client.force_login(actors.street_coordinator)
    shown = page(client.get(f"/tickets/{first.pk}/"))
    assert [form.attrs["data-action"] for form in shown.select("form[data-action]")] == ["void"]
    refused = page(client.post(f"/tickets/{first.pk}/act/void/", {"reason": ""}, follow=True))
    assert refused.one(".message.error").text == zh(REASON_REQUIRED)
    done = page(client.post(f"/tickets/{first.pk}/act/void/", {"reason": "重复上报"}, follow=True))
    assert done.one("h1").text == f"{first.number} {zh(Ticket.Status.VOIDED)}"
    assert api(actors.community_staff).post(f"/api/v1/tickets/{second.pk}/void/", {"reason": "x"}).status_code == 403
    coordinator = api(actors.street_coordinator)
    assert coordinator.post(f"/api/v1/tickets/{second.pk}/void/", {}).status_code == 400
    response = coordinator.post(f"/api/v1/tickets/{second.pk}/void/", {"reason": "测试数据"})
    assert response.status_code == 200 and response.json()["status"] == "voided"
    assert coordinator.post(f"/api/v1/tickets/{second.pk}/void/", {"reason": "测试数据"}).status_code == 409
