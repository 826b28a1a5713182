"""Deliberation's pages and API: a resident signs in on the phone, raises and supports a topic and reads the
public decision; staff take each step through the API within their scope (404 outside it); the figures match
a hand count."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from deliberation import api_urls, services, sweeps
from deliberation.models import Topic
from tests.factories import log_in_verified
from tests.incidents.conftest import WEST_POINT
from tests.incidents.photos import jpeg

from .conftest import RESIDENT, resident

pytestmark = [pytest.mark.django_db, pytest.mark.dated]

CST = ZoneInfo("Asia/Shanghai")


def signed_in(client, sms, phone=RESIDENT):
    """Sign `client` in with `phone` on the participation sign-in page, as a resident does."""
    mine = reverse("participation-mine")
    client.post(mine, {"phone": phone, "send_code": "1", "form_key": "k"})
    client.post(mine, {"phone": phone, "code": sms(), "form_key": "k"})


def test_a_resident_raises_a_topic_with_photos_and_supports_it_once(client, tree, sms):
    raise_page = reverse("deliberation-raise", args=[tree.west_community.code])
    first = client.get(raise_page)
    assert first.status_code == 302 and first.url == f"{reverse('participation-mine')}?next={raise_page.replace('/', '%2F')}"
    signed_in(client, sms)
    too_many = client.post(raise_page, {"title": "加装电梯", "description": "老人上下楼难",
                                        "photos": [jpeg() for _ in range(4)]})
    assert too_many.status_code == 400 and not Topic.objects.exists()
    done = client.post(raise_page, {"title": "加装电梯", "description": "老人上下楼难", "photos": [jpeg()]}, follow=True)
    topic = Topic.objects.get()
    assert done.redirect_chain[-1][0] == reverse("deliberation-topic-public", args=[topic.pk])
    assert topic.photos.count() == 1 and topic.raised_by_phone_hash
    support = reverse("deliberation-support", args=[topic.pk])
    client.post(support)
    again = client.post(support, follow=True).content.decode()
    assert str(services.ALREADY_SUPPORTED) in again and topic.supports.count() == 1
    assert client.get(reverse("deliberation-thumbnail", args=[topic.pk, topic.photos.get().pk])).status_code == 200


def test_the_public_page_lists_current_decisions_without_a_log_in(client, tree, published):
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=CST), tick=False):
        topic = published()
    page = reverse("deliberation-community", args=[tree.west_community.code])
    with time_machine.travel(datetime(2026, 11, 29, 20, 0, tzinfo=CST), tick=False):
        assert "同意加装，费用按楼层分摊" in client.get(page).content.decode()
    with time_machine.travel(datetime(2026, 11, 30, 8, 0, tzinfo=CST), tick=False):
        assert "同意加装，费用按楼层分摊" not in client.get(page).content.decode()
        assert "同意加装" in client.get(reverse("deliberation-topic-public", args=[topic.pk])).content.decode()
    assert client.get(reverse("deliberation-community", args=[tree.grids[0].code])).status_code == 404


def test_staff_take_every_step_through_the_api(actors, tree, api, raise_topic, meeting, enter, catalogue):
    staff = api(actors.community_staff)
    topic = raise_topic()
    base = f"/api/v1/deliberation/topics/{topic.pk}/"
    people = [enter(f"居民{n}").pk for n in range(3)]
    attended = staff.post(f"/api/v1/deliberation/meetings/{meeting.pk}/attendance/", {"participants": people},
                          format="json")
    assert attended.status_code == 200 and attended.json()["attended"] == sorted(people)
    assert staff.post(f"{base}select/", {"meeting": meeting.pk}, format="json").json()["status"] == "selected"
    too_many = staff.post(f"{base}decide/", {"votes_for": 3, "votes_against": 1, "votes_abstain": 0,
                                             "decision": "同意"}, format="json")
    assert too_many.status_code == 400 and "votes_for" in too_many.json()["extra"]["fields"]
    decided = staff.post(f"{base}decide/", {"votes_for": 2, "votes_against": 1, "votes_abstain": 0,
                                            "decision": "同意加装"}, format="json").json()
    assert (decided["status"], decided["result"]) == ("decided", "adopted")
    assert staff.post(f"{base}publish/", {"days": 0}, format="json").status_code == 400
    assert staff.post(f"{base}publish/", {"days": 5}, format="json").json()["actions"] == ["order_work", "close"]
    ordered = staff.post(f"{base}order-work/", {"category": "0102", "latitude": WEST_POINT.y,
                                                "longitude": WEST_POINT.x, "description": "协调加装"}, format="json")
    assert ordered.status_code == 200 and len(ordered.json()["work_orders"]) == 1
    assert staff.post(f"{base}decide/", {"votes_for": 1, "votes_against": 0, "votes_abstain": 0,
                                         "decision": "再议"}, format="json").status_code == 409
    listed = staff.get("/api/v1/deliberation/topics/", {"community": tree.west_community.code,
                                                         "quarter": "2019-Q1"}).json()
    assert listed == []
    assert staff.get("/api/v1/deliberation/topics/", {"quarter": "2026-Q5"}).status_code == 400


def test_another_communitys_staff_get_404_on_pages_and_api(client, actors, api, raise_topic, meeting):
    topic = raise_topic()
    outsider = api(actors.outsider)
    assert outsider.get(f"/api/v1/deliberation/topics/{topic.pk}/").status_code == 404
    assert outsider.post(f"/api/v1/deliberation/topics/{topic.pk}/select/", {"meeting": meeting.pk},
                         format="json").status_code == 404
    assert outsider.get(f"/api/v1/deliberation/meetings/{meeting.pk}/").status_code == 404
    assert outsider.get("/api/v1/deliberation/topics/").json() == []
    log_in_verified(client, actors.outsider)
    assert client.get(reverse("deliberation-topic", args=[topic.pk])).status_code == 404
    assert client.get(reverse("deliberation-meeting", args=[meeting.pk])).status_code == 404
    log_in_verified(client, actors.community_staff)
    assert client.get(reverse("deliberation-topic", args=[topic.pk])).status_code == 200


def test_the_ticket_page_names_the_topic_it_carries_out(client, actors, published, work_order):
    topic = published()
    ticket = work_order(topic)
    log_in_verified(client, actors.community_staff)
    page = client.get(reverse("ticket-detail", args=[ticket.pk])).content.decode()
    assert reverse("deliberation-topic", args=[topic.pk]) in page and topic.title in page


def test_the_figures_match_a_hand_count(actors, tree, api, client, raise_topic, published, work_order, close_ticket):
    """West: 3 raised (one each by raise_topic, and two by published), 2 decided (one adopted), 1 implemented;
    east: 1 raised. Hand-counted from what this test makes, all today."""
    adopted = published()
    published((0, 2, 0))
    raise_topic("另一件事")
    raise_topic("东社区的事", community=tree.east_community, phone_hash=resident(9))
    close_ticket(work_order(adopted))
    sweeps.topics_implemented_mark()
    leader = api(actors.admin)
    answer = leader.get(f"/api/v1/deliberation/figures/{tree.district.code}/").json()
    assert {k: answer["area"][k] for k in ("raised", "decided", "adopted", "implemented")} == {
        "raised": 4, "decided": 2, "adopted": 1, "implemented": 1}
    by_street = {row["area"]: (row["raised"], row["decided"], row["adopted"], row["implemented"])
                 for row in answer["children"]}
    assert by_street == {tree.west_street.code: (3, 2, 1, 1), tree.east_street.code: (1, 0, 0, 0)}
    last_year = leader.get(f"/api/v1/deliberation/figures/{tree.district.code}/",
                           {"start": "2020-01-01", "end": "2020-12-31"}).json()
    assert last_year["area"]["raised"] == 0
    assert api(actors.outsider).get(f"/api/v1/deliberation/figures/{tree.west_street.code}/").status_code == 404
    # The same figures on the street's dashboard, this month's.
    log_in_verified(client, actors.street_coordinator)
    html = client.get(reverse("dashboard", args=[tree.west_street.code])).content.decode()
    shown = dict(re.findall(r'data-figure="(topics-[a-z]+)">([^<]*)<', html))
    assert shown == {"topics-raised": "3", "topics-decided": "2", "topics-implemented": "1"}


def test_the_openapi_schema_documents_every_endpoint(api, actors):
    schema = api(actors.admin).get("/api/schema/", {"format": "json"}).json()
    documented = {path for path in schema["paths"] if path.startswith("/api/v1/deliberation/")}
    routes = {"/api/v1/deliberation/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
              for pattern in api_urls.urlpatterns}
    assert documented == routes and len(routes) == 13
