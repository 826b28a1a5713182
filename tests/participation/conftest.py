"""Participation on the test tree: the west community is "ours" (actors.community_staff), the east
one another street's (actors.outsider). SMS codes are read from the development gateway's log."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from participation import services
from participation.models import Participant, Task
from tests.incidents.sms import listen_for_sms, sent_code

PHONE = "13800001111"


@pytest.fixture
def sms(caplog):
    """Return a function giving the code of the last SMS sent (from any thread, the live server's too)."""
    listen_for_sms(caplog)
    return lambda: sent_code(caplog)


@pytest.fixture
def enter(actors, tree):
    """Enter a confirmed participant of the west community (or `community`) as its staff."""
    counter = iter(range(1000))

    def entered(name="李志愿", *, community=None, kind=Participant.Kind.VOLUNTEER, phone=None, **fields):
        return services.participant_enter(actor=actors.community_staff if community is None else actors.admin,
                                          community=community or tree.west_community, kind=kind, name=name,
                                          phone=phone or f"1390000{next(counter):04d}", **fields)

    return entered


PLACE = Point(113.705, 23.005, srid=4326)  # in the west community's first grid
NEAR = Point(113.7051, 23.0051, srid=4326)  # about 15 m away
FAR = Point(113.715, 23.005, srid=4326)  # about 1 km away


@pytest.fixture
def post_task(actors, tree):
    """Post a task of the west community starting in two days, taken by tomorrow."""
    def posted(**fields):
        now = timezone.now()
        values = {"community": tree.west_community, "kind": Task.Kind.ELDERLY_VISIT, "title": "探访独居老人",
                  "description": "陪老人聊天、打扫卫生", "place": PLACE, "place_name": "西社区3栋",
                  "starts_at": now + timedelta(days=2), "take_by": now + timedelta(days=1), "quota": 2,
                  "hours": Decimal("2.5"), **fields}
        return services.task_post(actor=actors.community_staff, **values)

    return posted
