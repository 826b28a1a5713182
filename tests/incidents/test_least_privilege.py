"""Least privilege within a district: who sees which work order, each role against someone refused.

A department sees what it holds or has held, never the rest of its district; a mediator the
orders referred to its organisation; a hotline operator the hotline's orders; the area roles
their area. Outside that, every page and API answers 404, as for a work order that does not exist.
"""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import HandlingUnit, User
from incidents import services
from incidents.models import Notification, Ticket, TicketPhoto
from incidents.notifications import notifications_deliver_pending
from incidents.photos import photos_attach, photos_store
from incidents.selectors import ticket_is_visible, ticket_list
from mediation import services as mediation_services
from tests.factories import HandlingUnitFactory, UserFactory
from tests.hotline.conftest import call_fields, dispatched, operator  # noqa: F401  (fixtures)
from tests.mediation.conftest import mediation  # noqa: F401  (fixture)

from .conftest import EAST_POINT
from .photos import jpeg

ID_NUMBER = "441900199001011234"


@pytest.fixture
def ecology(tree, actors):
    """The district's ecology bureau and its handler, 生态环境局的承办人, who has held nothing yet."""
    unit = HandlingUnitFactory(area=tree.district, kind=HandlingUnit.Kind.DEPARTMENT, name="测试区生态环境分局",
                               department=HandlingUnit.Department.ECOLOGY,
                               superior=actors.department_handler.unit.superior)
    return UserFactory(role=User.Role.DEPARTMENT_HANDLER, unit=unit, last_name="林生态")


@pytest.fixture
def noise_order(dispatched, actors):
    """A hotline order about noise (the street handles it first) whose text holds the caller's ID
    number, with a photo of the scene, accepted by the west street. Returns its call."""
    call = dispatched("0302", content=f"夜间施工噪音扰民，来电人身份证号{ID_NUMBER}")
    photos_attach(ticket=call.ticket, photos=photos_store([jpeg()]), stage=TicketPhoto.Stage.REPORT, user=None)
    services.ticket_accept(ticket_id=call.ticket_id, actor=actors.street_coordinator)
    return call


def reads(client, user, call):
    """Return the HTTP status of each way `user` could read the order of `call`."""
    ticket = call.ticket
    photo = ticket.photos.get()
    client.force_login(user)
    return {
        "page": client.get(reverse("ticket-detail", args=[ticket.pk])).status_code,
        "photo": client.get(reverse("ticket-photo", args=[ticket.pk, photo.pk])).status_code,
        "thumbnail": client.get(reverse("ticket-photo-thumbnail", args=[ticket.pk, photo.pk])).status_code,
        "api": client.get(reverse("api:ticket-detail", args=[ticket.pk])).status_code,
        "timeline": client.get(reverse("api:ticket-timeline", args=[ticket.pk])).status_code,
        "hotline panel": client.get(reverse("hotline-ticket", args=[ticket.pk])).status_code,
        "call page": client.get(reverse("hotline-call", args=[call.pk])).status_code,
    }


def everywhere(status):
    return dict.fromkeys(["page", "photo", "thumbnail", "api", "timeline", "hotline panel", "call page"], status)


def test_a_department_reads_an_order_only_once_it_was_dispatched_to_it_and_ever_after(
        client, noise_order, ecology, actors):
    ticket_id = noise_order.ticket_id
    assert reads(client, ecology, noise_order) == everywhere(404)  # in its district, never its own
    assert ticket_list(user=ecology).count() == 0
    client.force_login(ecology)
    assert ID_NUMBER not in client.get(reverse("ticket-board")).content.decode()

    services.ticket_dispatch(ticket_id=ticket_id, actor=actors.street_coordinator, unit=ecology.unit)
    assert reads(client, ecology, noise_order) == everywhere(200)

    # It sends the order back; the street gives it to the urban-management bureau: held before, still seen.
    services.ticket_return(ticket_id=ticket_id, actor=ecology, reason_code="not_our_duty", reason="属城管职责")
    services.ticket_dispatch(ticket_id=ticket_id, actor=actors.street_coordinator,
                             unit=actors.department_handler.unit)
    assert reads(client, ecology, noise_order) == everywhere(200)
    assert list(ticket_list(user=ecology)) == [Ticket.objects.get(pk=ticket_id)]
    client.force_login(ecology)
    assert client.get(reverse("api:ticket-detail", args=[ticket_id])).json()["allowed_actions"] == []


def test_outside_the_scope_answers_like_a_missing_order(client, noise_order, ecology):
    client.force_login(ecology)
    for name in ("api:ticket-detail", "api:ticket-timeline"):
        hidden = client.get(reverse(name, args=[noise_order.ticket_id]))
        missing = client.get(reverse(name, args=[noise_order.ticket_id + 1000]))
        assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json()) == (
            404, {"message": "没有此工单。", "extra": {}}), name
    refused = client.post(reverse("api:ticket-sign", args=[noise_order.ticket_id]))
    assert refused.status_code == 404


def test_a_department_lists_only_what_it_holds_or_has_held(bulk_tickets, report, ecology, actors, api, client):
    bulk_tickets(26)  # the district's tickets, none its own
    sewage = report("0303")  # 污水: routed straight to the ecology bureau
    assert sewage.handling_unit_id == ecology.unit_id
    assert [t["number"] for t in api(ecology).get("/api/v1/tickets/").json()["results"]] == [sewage.number]
    client.force_login(ecology)
    assert [t.pk for t in client.get(reverse("ticket-board")).context["tickets"]] == [sewage.pk]
    assert api(actors.street_coordinator).get("/api/v1/tickets/").json()["results"] != []  # the street sees its own


def test_a_mediator_sees_the_orders_referred_to_its_organisation(report, mediation, actors):
    dispute = services.ticket_accept(ticket_id=report("0801").pk, actor=actors.community_staff)
    other = services.ticket_accept(ticket_id=report("0802").pk, actor=actors.community_staff)
    committee, centre = mediation.committee_mediator, mediation.centre_mediator
    assert ticket_list(user=committee).count() == 0  # in its community, not referred

    case = mediation_services.case_refer_from_ticket(ticket_id=dispute.pk, actor=actors.community_staff)
    assert list(ticket_list(user=committee)) == [dispute]
    assert ticket_list(user=centre).count() == 0 and ticket_list(user=mediation.outsider).count() == 0

    mediation_services.case_escalate(case_id=case.pk, actor=committee, reason="案情复杂")  # to the street centre
    assert list(ticket_list(user=centre)) == [dispute]
    assert list(ticket_list(user=committee)) == [dispute]  # held the case before
    assert other not in ticket_list(user=centre)


def test_a_hotline_operator_sees_the_hotlines_orders_only(report, dispatched, operator):  # noqa: F811
    call = dispatched()
    grid_report = report()
    assert list(ticket_list(user=operator)) == [call.ticket]
    assert not ticket_is_visible(user=operator, ticket=grid_report)


def test_an_account_without_a_role_sees_no_work_order(report, tree, actors, client, api):
    ticket = report()
    committee = actors.community_staff.unit  # holds the ticket, and was notified of it
    assert Notification.objects.filter(unit=committee, ticket=ticket).exists()
    waiting = UserFactory(role="", unit=committee, email="waiting@example.com")  # no role given yet
    actors.community_staff.email = "staff@example.com"
    actors.community_staff.save()
    notifications_deliver_pending()
    assert [message.to for message in mail.outbox] == [["staff@example.com"]]  # told by e-mail, unlike them
    assert ticket_list(user=waiting).count() == 0
    client.force_login(waiting)
    assert client.get(reverse("ticket-detail", args=[ticket.pk])).status_code == 404
    assert ticket.number not in client.get(reverse("notifications-unit")).content.decode()
    client.post(reverse("notifications-read"), {"feed": Notification.Feed.UNIT})  # "mark all read"
    assert Notification.objects.filter(unit=committee, read_at__isnull=True).exists()  # the colleagues' stay unread
    assert ticket.number not in client.get(reverse("ticket-inbox")).content.decode()
    grid_map = reverse("api:dashboard-map", args=[tree.grids[0].code])  # one marker per ticket in a grid
    assert api(waiting).get(grid_map).status_code in (403, 404)
    assert [c["ticket_id"] for c in api(actors.leader).get(grid_map).json()["clusters"]] == [ticket.pk]
    assert set(ticket_list(user=actors.admin)) == {ticket}  # the superuser (break-glass) sees everything


def test_the_row_test_agrees_with_the_filter_for_every_role(bulk_tickets, noise_order, ecology, mediation,
                                                            operator, report, actors):  # noqa: F811
    services.ticket_dispatch(ticket_id=noise_order.ticket_id, actor=actors.street_coordinator, unit=ecology.unit)
    services.ticket_return(ticket_id=noise_order.ticket_id, actor=ecology, reason_code="not_our_duty",
                           reason="属城管职责")
    dispute = services.ticket_accept(ticket_id=report("0801").pk, actor=actors.community_staff)
    mediation_services.case_refer_from_ticket(ticket_id=dispute.pk, actor=actors.community_staff)
    report(point=EAST_POINT), report("0303"), report(reporter=actors.department_handler)
    bulk_tickets(2, handling_unit=ecology.unit)  # rows without events (test set-up): held by nobody's record
    people = [*(getattr(actors, role) for role in ("grid_worker", "community_staff", "street_coordinator",
                                                   "department_handler", "leader", "outsider", "admin")),
              ecology, operator, mediation.committee_mediator, mediation.centre_mediator, mediation.outsider,
              UserFactory(role="", unit=actors.street_coordinator.unit)]
    tickets = list(Ticket.objects.all())
    for user in people:
        listed = set(ticket_list(user=user).values_list("pk", flat=True))
        assert {t.pk for t in tickets if ticket_is_visible(user=user, ticket=t)} == listed, user.role
