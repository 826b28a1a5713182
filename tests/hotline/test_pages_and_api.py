"""The intake page and API: hints while typing, a call's three endings, bad input as 400/form errors,
and the follow-up panel's forms."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import HandlingUnit, User
from grids.models import Building
from hotline import forms, services
from hotline.api import ADDRESS_SUGGESTIONS
from hotline.views import CALLS_PER_PAGE
from hotline.models import Call, KnowledgeArticle
from incidents.models import Ticket
from incidents.services import idempotency_key_of
from tests.factories import TEST_PASSWORD, HandlingUnitFactory, UserFactory

from .conftest import EAST_POINT, WEST_POINT

pytestmark = pytest.mark.dated


@pytest.fixture
def operator_client(client, operator):
    client.login(username=operator.username, password=TEST_PASSWORD)
    return client


def test_hints_suggest_a_category_and_show_the_duplicate(operator_client, dispatched):
    existing = dispatched(code="0201", content="路灯不亮")
    hints = operator_client.get(reverse("api:hotline-hints"), {
        "phone": "13812341234", "content": "门口路灯不亮好几天了", "lat": WEST_POINT.y, "lng": WEST_POINT.x,
    }).json()
    assert hints["categories"][0]["code"] == "0201" and "路灯" in hints["categories"][0]["keywords"]
    assert [t["number"] for t in hints["duplicates"]] == [existing.ticket.number]
    assert hints["duplicates"][0]["distance_m"] == 0
    assert hints["earlier_calls"][0]["ticket"]["number"] == existing.ticket.number


def test_hints_are_for_the_intake_roles_only(client, actors, catalogue):
    client.login(username=actors.street_coordinator.username, password=TEST_PASSWORD)
    assert client.get(reverse("api:hotline-hints"), {"content": "路灯"}).status_code == 403


def test_hints_reject_bad_input(operator_client, catalogue):
    response = operator_client.get(reverse("api:hotline-hints"), {"phone": "12ab", "lat": "north"})
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {"phone", "lat"}


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
        Call(caller_phone="13812341234", request_type="enquiry", content="咨询", operator=operator,
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
    assert list(client.get(url).context["action_forms"]) == ["supervise"]
    bad = client.post(reverse("hotline-ticket-act", args=[call.ticket_id, "supervise"]), {"reason": ""})
    assert bad.status_code == 200 and bad.context["action_forms"]["supervise"].errors
    done = client.post(reverse("hotline-ticket-act", args=[call.ticket_id, "supervise"]), {"reason": "督办"})
    assert done.status_code == 302
    assert Ticket.objects.get(pk=call.ticket_id).supervised_by == actors.leader
    follow_up = client.get(reverse("hotline-follow-up")).content.decode()
    assert call.ticket.number in follow_up
    client.login(username=actors.outsider.username, password=TEST_PASSWORD)
    assert client.get(url).status_code == 403


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


def test_the_rates_page_renders(client, actors, catalogue):
    client.login(username=actors.leader.username, password=TEST_PASSWORD)
    page = client.get(reverse("hotline-rates"))
    assert page.status_code == 200 and page.context["totals"]["valid_callbacks"] == 0
