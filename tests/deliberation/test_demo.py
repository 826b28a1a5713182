"""The demo community's deliberation: topics with support, a meeting with attendance points, one decision
adopted and one rejected, and one topic walked from raised to implemented."""

import pytest

from deliberation.demo import demo_deliberation_create
from deliberation.models import Attendance, Topic
from participation.demo import demo_participation_create
from tests.incidents.conftest import report  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_the_demo_walks_one_topic_from_raised_to_implemented(actors, report):  # noqa: F811
    report()  # a work order in the community, which the participation demo gives to volunteers
    actors.community_staff.username, actors.grid_worker.username = "demo_community", "demo_gridworker"
    actors.community_staff.save(update_fields=["username"])
    actors.grid_worker.save(update_fields=["username"])
    demo_participation_create()
    assert demo_deliberation_create() and not demo_deliberation_create()
    statuses = dict(Topic.objects.values_list("title", "status"))
    assert statuses == {"小区加装电梯": "raised", "楼下广场舞噪音": "published", "增设电动车充电桩": "implemented",
                        "社区食堂开设老年助餐": "raised"}
    implemented = Topic.objects.get(status=Topic.Status.IMPLEMENTED)
    assert [event.action for event in implemented.events.all()] == [
        "raise", "select", "decide", "publish", "order_work", "implement"]
    assert implemented.work_orders.get().ticket.status == "closed"
    assert Topic.objects.get(title="楼下广场舞噪音").result == Topic.Result.REJECTED
    assert Attendance.objects.filter(point_entry__points=5).count() == 4
