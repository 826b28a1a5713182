"""进度查询: a citizen follows their report by its number and phone, and sees what happened, not who."""

import uuid

import pytest

from incidents import services
from incidents.models import Ticket
from incidents.views import NO_SUCH_REPORT, TOO_MANY_LOOKUPS
from tests.pages import page, zh

from .conftest import WEST_POINT

pytestmark = [pytest.mark.dated, pytest.mark.usefixtures("fresh_rate_limits")]

PHONE = "13812341234"


@pytest.fixture
def handled(catalogue, actors):
    """A citizen's report, accepted and handled by the community, with a phone number in its feedback."""
    ticket, _ = services.ticket_create(
        source=Ticket.Source.CITIZEN, category=catalogue["0102"], description="路边垃圾堆积", location=WEST_POINT,
        reporter_phone=PHONE, idempotency_key=uuid.uuid4().hex,
    )
    services.ticket_route(ticket_id=ticket.pk)
    services.ticket_accept(ticket_id=ticket.pk, actor=actors.community_staff)
    return services.ticket_handle(ticket_id=ticket.pk, actor=actors.community_staff,
                                  feedback="已清运，联系人王五 13912345678")


def test_the_number_and_phone_show_the_state_the_steps_and_the_masked_result(handled, client):
    shown = page(client.post("/report/progress/", {"number": handled.number, "phone": PHONE}))
    assert shown.one(".progress-status").text == f"{handled.number} {zh(Ticket.Status.HANDLED)}"
    assert [line.split(" ", 2)[2] for line in shown.texts("ol.timeline li")] == [
        zh("Report"), zh("Routed"), zh("Accept"), zh("Report handled")]
    result = shown.select("dl dd")[-1].text
    assert result == "已清运，联系人王五 139****5678"  # numbers masked; no names of staff shown anywhere
    html = client.post("/report/progress/", {"number": handled.number, "phone": PHONE}).content.decode()
    assert "13912345678" not in html and str(handled.events.last().actor) not in html


def test_a_wrong_phone_and_an_unknown_number_get_the_same_answer(handled, client):
    wrong_phone = page(client.post("/report/progress/", {"number": handled.number, "phone": "13900000000"}), 400)
    unknown = page(client.post("/report/progress/", {"number": "SJ209901010001", "phone": PHONE}), 400)
    assert wrong_phone.texts("p.message.error") == unknown.texts("p.message.error") == [str(NO_SUCH_REPORT)]
    assert wrong_phone.select(".progress-status") == []


def test_a_malformed_number_is_a_field_error(client, tree):
    shown = page(client.post("/report/progress/", {"number": "1 OR 1=1", "phone": PHONE}), 400)
    assert shown.texts("div.errors") == [zh("Enter the number you were given, like SJ202612010001.")]


def test_lookups_are_limited_per_number(handled, client, settings):
    settings.PROGRESS_LOOKUPS_PER_HOUR = 3
    for _ in range(3):
        page(client.post("/report/progress/", {"number": handled.number, "phone": "13900000000"}), 400)
    refused = page(client.post("/report/progress/", {"number": handled.number, "phone": PHONE}), 400)
    assert refused.texts("p.message.error") == [str(TOO_MANY_LOOKUPS)]


def test_the_thanks_page_gives_the_number_a_way_to_follow_it_and_to_report_again(catalogue, actors, client, sms_code):
    from .test_citizen import citizen_form

    shown = page(client.post("/report/", citizen_form(code=sms_code(PHONE))))
    ticket = Ticket.objects.get()
    assert shown.one("p.report-number").text == ticket.number
    links = {a.text: a.attrs["href"] for a in shown.select("p.links a")}
    assert links == {zh("Follow my report"): f"/report/progress/?number={ticket.number}",
                     zh("Report another matter"): "/report/"}
    assert page(client.get("/report/")).one("a[href='/report/progress/']").text == zh(
        "Reported already? Follow your report")
    follow = page(client.get(links[zh("Follow my report")]))
    assert follow.one("input[name=number]").attrs["value"] == ticket.number
