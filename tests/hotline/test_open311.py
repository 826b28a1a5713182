"""Open311 GeoReport v2 conformance: every endpoint in JSON and XML, field names, status values,
error bodies (errors/error with code and description) and HTTP codes."""

from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from django.utils import timezone

from govportal.crypto import decrypt
from hotline import services
from hotline.demo import DEMO_OPEN311_KEY, demo_hotline_create
from hotline.models import Call, Open311Key, Open311Request
from incidents.models import Ticket, TicketMerge
from incidents.services import ticket_route

pytestmark = pytest.mark.dated

REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}


@pytest.fixture
def key(db):
    return Open311Key.objects.create(key="test-key", name="测试")


@pytest.fixture
def post(client, catalogue, actors, key):
    def send(fmt="json", **params):
        data = {"api_key": "test-key", "service_code": "0201", "lat": "23.005", "long": "113.705",
                "description": "路灯不亮", **params}
        return client.post(f"/open311/v2/requests.{fmt}", {k: v for k, v in data.items() if v is not None})
    return send


def xml(response):
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)


def test_discovery_in_both_formats(client):
    body = client.get("/open311/discovery.json").json()
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = xml(client.get("/open311/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]


def test_service_list_reads_the_keywords_in_one_query(client, catalogue, django_assert_num_queries):
    with django_assert_num_queries(2):  # the services and, prefetched, their keywords
        services = client.get("/open311/v2/services.json").json()
    assert "路灯" in next(s for s in services if s["service_code"] == "0201")["keywords"].split(",")


def test_service_list(client, catalogue):
    services = client.get("/open311/v2/services.json").json()
    lamp = next(s for s in services if s["service_code"] == "0201")
    assert set(lamp) == SERVICE_FIELDS
    assert (lamp["service_name"], lamp["metadata"], lamp["type"], lamp["group"]) == ("路灯", True, "realtime", "市政设施")
    assert "01" not in {s["service_code"] for s in services}  # major categories are groups, not services
    root = xml(client.get("/open311/v2/services.xml"))
    assert root.tag == "services" and root[0].tag == "service"
    assert root.find("service[service_code='0201']/metadata").text == "true"


def test_service_definition(client, catalogue):
    body = client.get("/open311/v2/services/0202.json").json()
    assert body["service_code"] == "0202"
    attribute = body["attributes"][0]
    assert {"variable", "code", "datatype", "required", "datatype_description", "order", "description",
            "values"} <= set(attribute)
    assert attribute["datatype"] == "singlevaluelist"
    assert [v["key"] for v in attribute["values"]] == ["urgent", "simple", "ordinary", "complex"]
    root = xml(client.get("/open311/v2/services/0202.xml"))
    assert root.tag == "service_definition"
    assert root.find("attributes/attribute/values/value/key").text == "urgent"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_404_with_the_error_body(client, catalogue, fmt):
    response = client.get(f"/open311/v2/services/9999.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        assert response.json() == [{"code": 404, "description": "service_code 9999 not found"}]
    else:
        root = xml(response)
        assert root.tag == "errors" and root.find("error/code").text == "404"
        assert root.find("error/description").text == "service_code 9999 not found"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_makes_a_citizen_order_routed_by_place(post, fmt):
    response = post(fmt=fmt, email="a@example.com", first_name="三", last_name="张", phone="13812345678",
                    **{"attribute[urgency]": "ordinary", "address_string": "西街道1号"})
    assert response.status_code == 200
    created = Open311Request.objects.get()
    ticket = created.ticket
    if fmt == "json":
        assert response.json() == [{"service_request_id": ticket.number, "token": created.token,
                                    "service_notice": "", "account_id": ""}]
    else:
        root = xml(response)
        assert root.tag == "service_requests" and root.find("request/service_request_id").text == ticket.number
    assert (ticket.source, ticket.category.code, ticket.address, decrypt(ticket.reporter_phone_encrypted)) == (
        "citizen", "0201", "西街道1号", "13812345678")
    assert (ticket.reporter_phone_masked, created.email_masked, created.first_name_masked,
            created.last_name_masked) == ("138****5678", "*@example.com", "*", "*")
    assert [decrypt(created.email_encrypted), decrypt(created.first_name_encrypted),
            decrypt(created.last_name_encrypted)] == ["a@example.com", "三", "张"]
    assert ticket.area_code.startswith("441901001") and ticket.routing_request.routed_at is None
    ticket = ticket_route(ticket_id=ticket.pk)
    assert ticket.handling_unit is not None  # the chain took it like any other


@pytest.mark.parametrize("params, status, description", [
    ({"api_key": None}, 403, "api_key is missing or not valid"),
    ({"api_key": "wrong"}, 403, "api_key is missing or not valid"),
    ({"service_code": None}, 400, "service_code is required"),
    ({"service_code": "9999"}, 404, "service_code 9999 not found"),
    ({"lat": None, "long": None}, 400, "lat and long are required (address_string alone cannot be located)"),
    ({"lat": "abc"}, 400, "lat must be a number"),
    ({"lat": "91"}, 400, "lat must lie between -90 and 90"),
    ({"lat": "30.0", "long": "120.0"}, 400, "lat/long lie outside the area this jurisdiction serves"),
    ({"description": None}, 400, "description is required"),
    ({"attribute[urgency]": "urgent"}, 400, "attribute[urgency] must be one of simple, ordinary, complex"),
    ({"email": "not-an-email"}, 400, "email is not valid"),
    ({"jurisdiction_id": "elsewhere"}, 404, "jurisdiction_id elsewhere not found"),
])
def test_post_errors(post, params, status, description):
    response = post(**params)
    assert response.status_code == status
    assert response.json() == [{"code": status, "description": description}]
    assert not Ticket.objects.exists()


def test_an_inactive_key_is_refused(post, key):
    Open311Key.objects.filter(pk=key.pk).update(is_active=False)
    assert post().status_code == 403


def test_posts_are_limited_per_api_key_in_the_error_format(post, settings):
    settings.OPEN311_POSTS_PER_KEY_PER_HOUR = 2
    assert [post().status_code for _ in range(2)] == [200, 200]
    refused = post()
    description = "api_key has made 2 requests this hour; try again later"
    assert refused.status_code == 429 and refused.json() == [{"code": 429, "description": description}]
    root = xml(post("xml"))
    assert (root.tag, root.find("error/code").text, root.find("error/description").text) == (
        "errors", "429", description)
    Open311Key.objects.create(key="other-key", name="另一个")
    assert post(api_key="other-key").status_code == 200  # each key has its own hour
    assert Ticket.objects.count() == 3


def test_the_demo_key_is_made_by_the_demo_loader_only(db):
    assert not Open311Key.objects.exists()  # no migration seeds a key
    demo_hotline_create()
    assert Open311Key.objects.filter(key=DEMO_OPEN311_KEY).exists()


def test_token_gives_the_request_id(client, post):
    post()
    created = Open311Request.objects.get()
    body = client.get(f"/open311/v2/tokens/{created.token}.json").json()
    assert body == [{"service_request_id": created.ticket.number, "token": created.token}]
    root = xml(client.get(f"/open311/v2/tokens/{created.token}.xml"))
    assert root.find("request/token").text == created.token
    missing = client.get("/open311/v2/tokens/nope.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404


def test_request_detail(client, post):
    post()
    ticket = Ticket.objects.get()
    body = client.get(f"/open311/v2/requests/{ticket.number}.json").json()
    assert len(body) == 1 and set(body[0]) == REQUEST_FIELDS
    assert (body[0]["status"], body[0]["service_code"], body[0]["lat"], body[0]["long"]) == (
        "open", "0201", 23.005, 113.705)
    root = xml(client.get(f"/open311/v2/requests/{ticket.number}.xml"))
    assert root.tag == "service_requests" and root.find("request/status").text == "open"
    assert {child.tag for child in root.find("request")} == REQUEST_FIELDS
    assert client.get("/open311/v2/requests/SJ0.json").status_code == 404


def test_request_search_filters(client, post):
    post()
    post(service_code="0102", description="乱堆放")
    lamp, heap = Ticket.objects.get(category__code="0201"), Ticket.objects.get(category__code="0102")
    Ticket.objects.filter(pk=heap.pk).update(status="closed", closed_at=timezone.now(), feedback="已清理")

    def numbers(**params):
        response = client.get("/open311/v2/requests.json", params)
        assert response.status_code == 200
        return {row["service_request_id"] for row in response.json()}

    assert numbers() == {lamp.number, heap.number}
    assert numbers(status="open") == {lamp.number}
    assert numbers(status="closed") == {heap.number}
    assert numbers(status="open,closed") == {lamp.number, heap.number}
    assert numbers(service_code="0102") == {heap.number}
    assert numbers(service_request_id=f"{lamp.number},{heap.number}", status="open") == {lamp.number, heap.number}
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    assert numbers(start_date=later) == set()
    assert numbers(end_date=later) == {lamp.number, heap.number}
    closed = client.get("/open311/v2/requests.json", {"status": "closed"}).json()[0]
    assert (closed["status"], closed["status_notes"]) == ("closed", "已清理")
    root = xml(client.get("/open311/v2/requests.xml", {"status": "open"}))
    assert [r.find("service_request_id").text for r in root.findall("request")] == [lamp.number]


def test_an_order_on_the_register_stays_open_and_a_merged_one_follows_its_master(client, post, actors):
    post(description="路灯不亮一")
    post(description="路灯不亮二")
    post(description="路灯不亮三")
    parked, master, duplicate = Ticket.objects.order_by("pk")
    Ticket.objects.filter(pk=parked.pk).update(status=Ticket.Status.PARKED)
    Ticket.objects.filter(pk=duplicate.pk).update(status=Ticket.Status.MERGED)
    TicketMerge.objects.create(master=master, merged=duplicate, reason="同一路灯", merged_by=actors.leader)

    def requests(**params):
        return {row["service_request_id"]: (row["status"], row["status_notes"])
                for row in client.get("/open311/v2/requests.json", params).json()}

    register_note = "已列入挂账：因资金、规划等原因暂不能解决，诉求仍未办结，将定期复核直至解决。"
    merged_note = f"已并入工单 {master.number}，一并办理。"
    assert requests() == {parked.number: ("open", register_note), master.number: ("open", ""),
                          duplicate.number: ("open", merged_note)}
    Ticket.objects.filter(pk=master.pk).update(status=Ticket.Status.CLOSED, feedback="已修复")
    assert requests(status="closed") == {master.number: ("closed", "已修复"), duplicate.number: ("closed", merged_note)}
    assert set(requests(status="open")) == {parked.number}


@pytest.mark.parametrize("params, description", [
    ({"status": "pending"}, "status must be open, closed or both, comma-delimited"),
    ({"start_date": "yesterday"}, "start_date must be a W3C date-time such as 2026-11-23T09:00:00+08:00"),
    ({"end_date": "2026-02-30T10:00:00+08:00"}, "end_date must be a W3C date-time such as 2026-11-23T09:00:00+08:00"),
    ({"start_date": "0001-01-01T00:00:00"}, "start_date must lie in the years 1900 to 2999"),
    ({"end_date": "9999-12-31T23:59:59-12:00"}, "end_date must lie in the years 1900 to 2999"),
    ({"start_date": "2026-11-23T10:00:00+08:00", "end_date": "2026-11-22T10:00:00+08:00"},
     "start_date must not be after end_date"),
])
def test_request_search_errors(client, db, params, description):
    response = client.get("/open311/v2/requests.xml", params)
    assert response.status_code == 400
    root = xml(response)
    assert (root.find("error/code").text, root.find("error/description").text) == ("400", description)


def test_hotline_orders_are_never_published_nor_a_citizens_report_a_confidential_call_was_linked_to(
        client, dispatched, post, operator, call_fields):
    secret = dispatched(confidential=True)
    hotline = dispatched()  # not confidential, but the hotline's: its callers did not publish it
    post()
    citizen = Ticket.objects.get(source=Ticket.Source.CITIZEN)

    def numbers():
        return {row["service_request_id"] for row in client.get("/open311/v2/requests.json").json()}

    assert numbers() == {citizen.number}
    for hidden in (secret.ticket, hotline.ticket):
        assert client.get(f"/open311/v2/requests/{hidden.number}.json").status_code == 404
    # A confidential call linked to it (the pages offer operators only the hotline's orders; set-up only).
    services.call_link(operator=operator, ticket=citizen, **call_fields(confidential=True))
    assert numbers() == set()
    assert Call.objects.filter(confidential=True).count() == 2


def test_unsupported_methods_and_formats(client, catalogue):
    assert client.get("/open311/v2/services.csv").status_code == 404
    assert client.delete("/open311/v2/requests.json").status_code == 405
