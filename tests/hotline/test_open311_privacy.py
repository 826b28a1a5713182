"""The public Open311 output leaks nothing about people: citizens' reports of public categories only,
blurred to the grid, numbers in the text masked."""

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from hotline.models import Open311Key
from incidents.models import Category, Ticket
from incidents.services import ticket_create
from tests.incidents.conftest import report  # noqa: F401  (fixture)

pytestmark = pytest.mark.dated  # the list shows the last 90 days

# In the west street's first grid (113.70–113.71 E, 23.00–23.01 N), away from its centroid.
OFF_CENTRE = {"lat": "23.0088", "long": "113.7013"}
ID_NUMBER, MOBILE, LANDLINE, CARD = "441900199001011234", "13812345678", "0769-22123456", "6222021234567890123"
TEXT = f"楼下路灯坏了，我是张三，身份证{ID_NUMBER}，电话{MOBILE}，座机{LANDLINE}"


@pytest.fixture
def submit(client, catalogue, actors):
    """Return a function POSTing a citizen's request anonymously through Open311."""
    Open311Key.objects.create(key="test-key", name="测试")

    def send(code="0201", description=TEXT, **params):
        data = {"api_key": "test-key", "service_code": code, "description": description,
                "address_string": "西街道幸福路8号3栋502", **OFF_CENTRE, **params}
        response = client.post("/open311/v2/requests.json", data)
        assert response.status_code == 200, response.content
        return Ticket.objects.get(number=response.json()[0]["service_request_id"])

    return send


def test_an_anonymous_reader_gets_the_request_masked_and_blurred(client, submit, tree):
    ticket = submit()
    Ticket.objects.filter(pk=ticket.pk).update(  # test set-up only: closed with the unit's feedback
        status=Ticket.Status.CLOSED, closed_at=timezone.now(), feedback=f"已联系13912345678，退款至卡{CARD}")
    client.logout()
    listed = client.get("/open311/v2/requests.json").json()
    detail = client.get(f"/open311/v2/requests/{ticket.number}.json").json()
    assert listed == detail
    [request] = detail
    assert request["description"] == (
        "楼下路灯坏了，我是张三，身份证4419**********1234，电话138****5678，座机076*****3456")
    assert request["status_notes"] == "已联系139****5678，退款至卡6222***********0123"
    assert (request["lat"], request["long"]) == (23.005, 113.705)  # the grid's centroid, not the report's point
    assert request["address"] == f"{tree.west_street.name} {tree.grids[0].name}"
    body = client.get("/open311/v2/requests.xml").content.decode()
    for secret in (ID_NUMBER, MOBILE, "22123456", CARD, "13912345678", "幸福路", "23.0088", "113.7013"):
        assert secret not in str(listed) and secret not in body, secret


def test_non_citizen_and_non_public_requests_are_absent(client, submit, report, catalogue, actors):  # noqa: F811
    published = submit()
    security = submit(code="0401", description="有人在出租屋聚赌")  # 治安隐患: not a public category
    grid_report = report()  # a grid worker's report, public category
    sensor, _ = ticket_create(source=Ticket.Source.SENSOR, category=catalogue["0204"], description="积水传感器报警",
                              location=Point(113.705, 23.005, srid=4326))
    listed = {row["service_request_id"] for row in client.get("/open311/v2/requests.json").json()}
    assert listed == {published.number}
    for hidden in (security, grid_report, sensor):
        assert client.get(f"/open311/v2/requests/{hidden.number}.json").status_code == 404, hidden.source


def test_the_catalogue_publishes_city_appearance_and_facilities_only(catalogue):
    public = set(Category.objects.filter(is_public=True, parent__isnull=False).values_list("code", flat=True))
    assert {"0101", "0201", "0204", "0301", "0902"} <= public
    assert not public & {"0401", "0501", "0502", "0601", "0701", "0702", "0801", "0804", "1001", "1102"}
