"""The intake page and API: hints while typing, a call's three endings, bad input as 400/form errors;
the follow-up panel's forms, the calls with their numbers masked and revealed, and the rates page."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import HandlingUnit, User
from govportal.crypto import sealed
from govportal.masking import mask_phone
from grids.models import Building
from hotline import forms, services
from hotline.api import ADDRESS_SUGGESTIONS
from hotline.models import Call, KnowledgeArticle, PhoneReveal, RequestType
from hotline.views import CALLS_PER_PAGE
from incidents.models import Ticket
from incidents.forms import FORM_SENT_BEFORE
from incidents.services import IDEMPOTENCY_KEY_REUSED, idempotency_key_of, ticket_accept
from tests.factories import TEST_PASSWORD, HandlingUnitFactory, UserFactory
from tests.pages import page, zh

from .conftest import EAST_POINT, WEST_POINT

pytestmark = pytest.mark.dated

CST = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def operator_client(client, operator):
    client.login(username=operator.username, password=TEST_PASSWORD)
    return client


def test_hints_suggest_a_category_and_show_the_duplicate(operator_client, dispatched):
    existing = dispatched(code="0201", content="路灯不亮")
    hints = operator_client.post(reverse("api:hotline-hints"), {
        "phone": "13812341234", "content": "门口路灯不亮好几天了", "lat": WEST_POINT.y, "lng": WEST_POINT.x,
    }, content_type="application/json").json()
    assert hints["categories"][0]["code"] == "0201" and "路灯" in hints["categories"][0]["keywords"]
    assert [t["number"] for t in hints["duplicates"]] == [existing.ticket.number]
    assert hints["duplicates"][0]["distance_m"] == 0
    assert hints["earlier_calls"][0]["ticket"]["number"] == existing.ticket.number


def test_hints_are_for_the_intake_roles_only(client, actors, catalogue):
    client.login(username=actors.street_coordinator.username, password=TEST_PASSWORD)
    assert client.post(reverse("api:hotline-hints"), {"content": "路灯"}, content_type="application/json"
                       ).status_code == 403


def test_hints_reject_bad_input(operator_client, catalogue):
    response = operator_client.post(reverse("api:hotline-hints"), {"phone": "12ab", "lat": "north"},
                                    content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {"phone", "lat"}


def test_hints_take_no_number_in_the_url_and_need_the_csrf_token(operator, dispatched):
    """The caller's number would land in access logs with a GET; a POST from the page carries its token."""
    dispatched()
    url = reverse("api:hotline-hints")
    client = Client(enforce_csrf_checks=True)
    client.login(username=operator.username, password=TEST_PASSWORD)
    assert client.get(url, {"phone": "13812341234"}).status_code == 405
    assert client.post(url, {"phone": "13812341234"}, content_type="application/json").status_code == 403
    token = client.get(reverse("hotline-intake")).context["csrf_token"]
    answer = client.post(url, {"phone": "13812341234"}, content_type="application/json", HTTP_X_CSRFTOKEN=str(token))
    assert answer.status_code == 200 and answer.json()["earlier_calls"][0]["caller_phone"] == "138****1234"


def test_address_search_answers_the_first_matches_and_refuses_too_little_text(operator, tree, actors, api):
    Building.objects.bulk_create([
        Building(grid=tree.grids[0], name=f"{n}号楼", code=f"B{n:02d}", address=f"西街道幸福路{n:02d}号",
                 location=WEST_POINT)
        for n in range(1, ADDRESS_SUGGESTIONS + 3)
    ])
    url = reverse("api:hotline-addresses")
    found = api(operator).get(url, {"q": " 幸福路 "}).json()
    assert [row["address"] for row in found] == [f"西街道幸福路{n:02d}号" for n in range(1, ADDRESS_SUGGESTIONS + 1)]
    assert found[0]["grid"] == tree.grids[0].code
    for too_little in ({"q": "幸"}, {}):
        response = api(operator).get(url, too_little)
        assert response.status_code == 400 and list(response.json()["extra"]["fields"]) == ["q"]
    assert api(actors.street_coordinator).get(url, {"q": "幸福路"}).status_code == 403


def test_the_calls_page_shows_every_call_a_page_at_a_time(operator_client, operator):
    started = timezone.now()
    calls = Call.objects.bulk_create([
        Call(**sealed("caller_phone", "13812341234", mask=mask_phone), request_type="enquiry", content="咨询",
             operator=operator,
             started_at=started, ended_at=started, outcome=Call.Outcome.ANSWERED)
        for _ in range(CALLS_PER_PAGE + 3)
    ])
    first = operator_client.get(reverse("hotline-calls"))
    assert len(first.context["page"]) == CALLS_PER_PAGE and "138****1234" in first.content.decode()
    assert "第 1 页，共 2 页" in first.content.decode() and 'href="?page=2"' in first.content.decode()
    second = operator_client.get(reverse("hotline-calls"), {"page": 2})
    shown = [call.pk for call in [*first.context["page"], *second.context["page"]]]
    assert shown == sorted((call.pk for call in calls), reverse=True)  # the same start: the newest row first


def call_payload(**overrides):
    return {"caller_phone": "13812341234", "request_type": "complaint", "content": "楼道乱堆杂物",
            "lat": WEST_POINT.y, "lng": WEST_POINT.x, "category": "0102", "started_at": timezone.now().isoformat(),
            "outcome": "new_ticket", **overrides}


def test_the_api_records_each_ending(operator_client, actors, catalogue):
    url = reverse("api:hotline-call-create")
    made = operator_client.post(url, call_payload(), content_type="application/json")
    assert made.status_code == 201 and made.json()["caller_phone"] == "138****1234"
    number = made.json()["ticket"]["number"]
    linked = operator_client.post(url, call_payload(outcome="linked", ticket=number), content_type="application/json")
    assert linked.status_code == 201 and linked.json()["ticket"]["number"] == number
    article = KnowledgeArticle.objects.create(title="垃圾分类投放时间", body="每天7:00—9:00投放")
    answered = operator_client.post(url, call_payload(outcome="answered", request_type="enquiry", article=article.pk),
                                    content_type="application/json")
    assert answered.status_code == 201 and answered.json()["ticket"] is None
    assert list(Call.objects.order_by("pk").values_list("outcome", flat=True)) == ["new_ticket", "linked", "answered"]


def test_the_api_key_is_the_clients_or_none(operator_client, operator, catalogue):
    url = reverse("api:hotline-call-create")
    first = operator_client.post(url, call_payload(idempotency_key="k1"), content_type="application/json")
    again = operator_client.post(url, call_payload(idempotency_key="k1"), content_type="application/json")
    assert first.json()["id"] == again.json()["id"]
    assert Ticket.objects.get().idempotency_key == idempotency_key_of(operator, "k1")
    keyless = operator_client.post(url, call_payload(), content_type="application/json")
    assert Ticket.objects.get(number=keyless.json()["ticket"]["number"]).idempotency_key is None


def test_the_api_answers_409_for_the_key_sent_with_another_call(operator_client, catalogue):
    url = reverse("api:hotline-call-create")
    first = operator_client.post(url, call_payload(idempotency_key="k1"), content_type="application/json")
    other = operator_client.post(url, call_payload(idempotency_key="k1", caller_phone="13998769876"),
                                 content_type="application/json")
    assert first.status_code == 201
    assert (other.status_code, other.json()) == (409, {"message": str(IDEMPOTENCY_KEY_REUSED), "extra": {}})
    assert Call.objects.count() == 1


def test_a_call_is_linked_only_to_an_order_its_operator_may_see(client, dispatched, tree):
    east = dispatched(point=EAST_POINT)  # taken by the city's operator
    centre = HandlingUnitFactory(area=tree.west_street, kind=HandlingUnit.Kind.HOTLINE_CENTRE)
    client.login(username=UserFactory(role=User.Role.HOTLINE_OPERATOR, unit=centre).username,
                 password=TEST_PASSWORD)
    payload = call_payload(outcome="linked", ticket=east.ticket.number)
    response = client.post(reverse("api:hotline-call-create"), payload, content_type="application/json")
    assert response.status_code == 400 and "ticket" in response.json()["extra"]["fields"]
    page = client.post(reverse("hotline-intake"), {
        "caller_phone": "13812341234", "request_type": "complaint", "content": "路灯", "outcome": "linked",
        "link_ticket": east.ticket.number, "started_at": timezone.now().isoformat(), "idempotency_key": "k"})
    assert page.context["form"].errors["link_ticket"] == [str(forms.LINK_TICKET_UNKNOWN)]
    assert Call.objects.count() == 1


@pytest.mark.parametrize("overrides, field", [
    ({"caller_phone": "abc"}, "caller_phone"),
    ({"lat": 30.0, "lng": 120.0}, "lat"),
    ({"category": None, "outcome": "new_ticket"}, "category"),
    ({"outcome": "answered", "request_type": "complaint"}, "request_type"),
    ({"outcome": "linked"}, "ticket"),
    ({"started_at": "0001-01-01T00:00:00"}, "started_at"),  # converted to UTC, it was a 500
])
def test_the_api_answers_bad_calls_with_400(operator_client, catalogue, overrides, field):
    payload = {key: value for key, value in call_payload(**overrides).items() if value is not None}
    response = operator_client.post(reverse("api:hotline-call-create"), payload, content_type="application/json")
    assert response.status_code == 400 and field in response.json()["extra"]["fields"]
    assert not Call.objects.exists()


def test_the_intake_page_records_a_call(operator_client, actors, catalogue):
    page = operator_client.get(reverse("hotline-intake"))
    assert page.status_code == 200
    form = page.context["form"]
    data = {"caller_phone": "13812341234", "request_type": "complaint", "content": "楼道乱堆杂物",
            "category": "0102", "outcome": "new_ticket", "lat": WEST_POINT.y, "lng": WEST_POINT.x,
            "started_at": form.initial["started_at"].isoformat(), "idempotency_key": form.initial["idempotency_key"]}
    response = operator_client.post(reverse("hotline-intake"), data)
    assert response.status_code == 302
    call = Call.objects.get()
    assert call.ticket.source == Ticket.Source.HOTLINE and call.started_at == form.initial["started_at"]
    # A double submit of the same form makes nothing new.
    operator_client.post(reverse("hotline-intake"), data)
    assert Call.objects.count() == 1 and Ticket.objects.count() == 1
    # The form sent again changed (back, edit, send) is shown again with a new key, to be sent as a new call.
    changed = {**data, "caller_phone": "13998769876"}
    shown = operator_client.post(reverse("hotline-intake"), changed)
    assert shown.context["form"].non_field_errors() == [str(FORM_SENT_BEFORE)] and Call.objects.count() == 1
    renewed = shown.context["form"]["idempotency_key"].value()
    assert renewed != data["idempotency_key"]
    assert operator_client.post(reverse("hotline-intake"), {**changed, "idempotency_key": renewed}).status_code == 302
    assert Call.objects.count() == Ticket.objects.count() == 2


def test_the_intake_page_shows_form_errors(operator_client, catalogue):
    response = operator_client.post(reverse("hotline-intake"), {
        "caller_phone": "x", "request_type": "complaint", "content": "", "outcome": "new_ticket",
        "started_at": timezone.now().isoformat(), "idempotency_key": "k"})
    assert response.status_code == 200
    assert {"caller_phone", "content"} <= set(response.context["form"].errors)
    response = operator_client.post(reverse("hotline-intake"), {
        "caller_phone": "13812341234", "request_type": "complaint", "content": "乱堆", "outcome": "new_ticket",
        "started_at": timezone.now().isoformat(), "idempotency_key": "k", "category": "0102"})
    assert response.context["form"].errors["address"] == [str(services.LOCATION_REQUIRED)]
    assert not Call.objects.exists()


def test_the_intake_page_is_for_the_intake_roles(client, actors):
    client.login(username=actors.community_staff.username, password=TEST_PASSWORD)
    assert client.get(reverse("hotline-intake")).status_code == 403


def test_the_panel_offers_the_steps_each_may_take(client, dispatched, actors, operator):
    call = dispatched()
    url = reverse("hotline-ticket", args=[call.ticket_id])
    client.login(username=actors.leader.username, password=TEST_PASSWORD)
    assert offered(page(client.get(url))) == ["supervise"]
    bad = client.post(reverse("hotline-ticket-act", args=[call.ticket_id, "supervise"]), {"reason": ""})
    assert bad.status_code == 200 and bad.context["action_forms"]["supervise"].errors
    done = client.post(reverse("hotline-ticket-act", args=[call.ticket_id, "supervise"]), {"reason": "督办"})
    assert done.status_code == 302
    assert Ticket.objects.get(pk=call.ticket_id).supervised_by == actors.leader
    row = page(client.get(reverse("hotline-follow-up"))).one(f"tr[data-ticket={call.ticket.number}]")
    assert [cell.text for cell in row.select("td")][:4] == [
        f"{call.ticket.number} {zh('Supervised')}", "乱堆放", zh(Ticket.Status.REPORTED), "西社区居委会"]
    client.login(username=actors.community_staff.username, password=TEST_PASSWORD)  # the unit holding it
    assert offered(page(client.get(url))) == []  # nothing to reply before it is accepted
    ticket_accept(ticket_id=call.ticket_id, actor=actors.community_staff)
    assert offered(page(client.get(url))) == ["reply", "contact"]  # and record its contact with the citizen
    client.login(username=actors.outsider.username, password=TEST_PASSWORD)
    assert client.get(url).status_code == 404
    assert page(client.get(reverse("hotline-follow-up"))).select("tr[data-ticket]") == []


def offered(shown):
    """Return the follow-up steps a hotline ticket panel offers."""
    return [form.attrs["id"].removeprefix("form-") for form in shown.select("section.actions form")]


def test_the_call_list_masks_every_number_and_keeps_to_the_readers_tickets(client, dispatched, operator, actors):
    with time_machine.travel(datetime(2026, 11, 2, 9, 30, tzinfo=CST), tick=False):
        west = dispatched()
    with time_machine.travel(datetime(2026, 11, 2, 10, 15, tzinfo=CST), tick=False):
        east = dispatched(point=EAST_POINT, caller_phone="13987654321")
    client.login(username=operator.username, password=TEST_PASSWORD)
    response = client.get(reverse("hotline-calls"))
    assert "13812341234" not in response.content.decode() and "13987654321" not in response.content.decode()
    new_ticket, complaint = zh(Call.Outcome.NEW_TICKET), zh(RequestType.COMPLAINT)
    assert page(response).rows() == [  # newest first
        ["11-02 10:15", "139****4321", complaint, new_ticket, east.ticket.number, "刘话务"],
        ["11-02 09:30", "138****1234", complaint, new_ticket, west.ticket.number, "刘话务"],
    ]
    client.login(username=actors.street_coordinator.username, password=TEST_PASSWORD)  # the west street's
    assert [row[4] for row in page(client.get(reverse("hotline-calls"))).rows()] == [west.ticket.number]
    panel = page(client.get(reverse("hotline-ticket", args=[west.ticket_id])))
    assert panel.one(f"li a[href='{reverse('hotline-call', args=[west.pk])}']").parent.text == (
        f"11-02 09:30 · 138****1234 · {new_ticket} — 小区门口路灯不亮")


def test_only_the_intake_roles_reveal_a_number_and_each_reveal_is_recorded(client, dispatched, operator, actors):
    call = dispatched()
    url = reverse("hotline-call", args=[call.pk])
    client.login(username=actors.street_coordinator.username, password=TEST_PASSWORD)  # sees the west's order
    shown = page(client.get(url))
    assert shown.one("#caller-phone").text == "138****1234"  # and no button to reveal it
    assert client.post(url).status_code == 403
    client.login(username=actors.outsider.username, password=TEST_PASSWORD)  # the east street's
    assert client.get(url).status_code == 404
    assert not PhoneReveal.objects.exists()
    client.login(username=operator.username, password=TEST_PASSWORD)
    assert page(client.get(url)).one("#caller-phone").text == f"138****1234 {zh('Reveal the number (recorded)')}"
    revealed = page(client.post(url))
    assert revealed.one("#caller-phone").text == "13812341234"
    assert PhoneReveal.objects.get().user == operator
    assert revealed.one("h2").text == zh("Who saw the number")
    assert [reveal.split(" · ")[1] for reveal in revealed.texts("section.card ul li")] == ["刘话务"]


def test_the_api_takes_follow_up_steps(client, dispatched, actors):
    call = dispatched()
    client.login(username=actors.leader.username, password=TEST_PASSWORD)
    url = reverse("api:hotline-ticket-supervise", args=[call.ticket_id])
    assert client.post(url, {"reason": ""}, content_type="application/json").status_code == 400
    assert client.post(url, {"reason": "督办"}, content_type="application/json").status_code == 200
    callback = reverse("api:hotline-ticket-callback", args=[call.ticket_id])
    assert client.post(callback, {"reached": True, "satisfaction": "satisfied"},
                       content_type="application/json").status_code == 409  # not closed yet
    assert client.post(f"/api/v1/hotline/tickets/{call.ticket_id}/nope/", {}).status_code == 404


def test_the_rates_page_shows_the_streets_figures_and_ranking(client, callbacks, actors):
    today = timezone.localdate()
    period = {"start": today - timedelta(days=1), "end": today}
    client.login(username=actors.street_coordinator.username, password=TEST_PASSWORD)
    shown = page(client.get(reverse("hotline-rates"), period))
    assert shown.one("h1").text == f"{zh('Three rates')} · 西街道"
    # The west street's valid callbacks (conftest.callbacks): t1, t2, t3 and t5's latest = 4;
    # responded t1 t2 t5 = 75 %; solved t1 t5 = 50 %; satisfaction (2 + 0.9 × 1) / 4 = 72.5 %;
    # composite 0.1 × 0.75 + 0.5 × 0.5 + 0.4 × 0.725 = 0.615; one supervised. The page shows whole
    # numbers rounded half to even (widthratio): 72 and 62.
    assert {figure.one("dt").text: figure.one("dd").text for figure in shown.select("dl.figures div")} == {
        zh("Valid callbacks"): "4", zh("Response rate"): "75 %", zh("Resolution rate"): "50 %",
        zh("Satisfaction rate"): "72 %", zh("Composite score"): "62", zh("Supervised"): "1",
        zh("Overdue reminders"): "0", zh("Supervision notices"): "0",
    }
    assert shown.rows() == [["1", "西社区居委会", "4", "75 %", "50 %", "72 %", "62", "1", "0", "0"]]
    client.login(username=actors.outsider.username, password=TEST_PASSWORD)  # the east street's one callback
    east = page(client.get(reverse("hotline-rates"), period))
    assert east.rows() == [["1", "东社区居委会", "1", "100 %", "100 %", "100 %", "100", "0", "0", "0"]]
    bad = page(client.get(reverse("hotline-rates"), {"start": today, "end": today - timedelta(days=1)}), status=400)
    assert bad.select("dl.figures") == [] and bad.one("form .errors").text
