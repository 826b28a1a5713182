"""Deliberation on the test tree: the west community is "ours" (actors.community_staff), the east one another
street's (actors.outsider). Residents are phones (their keyed hash), as participation.identity keeps them."""

import pytest
from django.utils import timezone

from deliberation import services
from govportal.crypto import blind_index
from incidents.models import Ticket
from incidents import services as tickets
from participation.models import PointReason, PointRule
from tests.incidents.conftest import WEST_POINT
from tests.participation.conftest import enter, sms  # noqa: F401  (fixtures)

RESIDENT = "13800002222"


def resident(n):
    """Return the keyed hash of the n-th resident's phone."""
    return blind_index(f"1380000{n:04d}")


@pytest.fixture
def raise_topic(tree):
    """Raise a topic of the west community (or `community`) on a resident's phone."""
    def raised(title="小区加装电梯", *, community=None, phone_hash=None, **fields):
        return services.topic_raise(community=community or tree.west_community, title=title,
                                    description=fields.pop("description", "老人上下楼困难"),
                                    phone_hash=phone_hash or blind_index(RESIDENT), **fields)

    return raised


@pytest.fixture
def meeting(actors, tree):
    """A meeting of the west community, held now."""
    return services.meeting_call(actor=actors.community_staff, community=tree.west_community, title="居民议事会",
                                 held_at=timezone.now(), place="党群服务中心", invited_others="物业公司")


@pytest.fixture
def attendance_points(tree):
    """The city's rule: 5 points for attending a meeting."""
    return PointRule.objects.create(city=tree.city, reason=PointReason.ATTENDANCE, points=5).points


@pytest.fixture
def attended(actors, meeting, enter):  # noqa: F811
    """Record `count` confirmed participants of the west community as present at the meeting; return them."""
    def record(count):
        people = [enter(f"居民{n}") for n in range(count)]
        services.attendance_record(meeting_id=meeting.pk, actor=actors.community_staff, participants=people)
        return people

    return record


@pytest.fixture
def published(actors, raise_topic, meeting, attended):
    """Return a topic adopted by 3 of 4 votes and published for 7 days (the default)."""
    def make(votes=(3, 1, 0)):
        topic = raise_topic()
        attended(sum(votes))
        services.topic_select(topic_id=topic.pk, actor=actors.community_staff, meeting=meeting)
        services.topic_decide(topic_id=topic.pk, actor=actors.community_staff, votes_for=votes[0],
                              votes_against=votes[1], votes_abstain=votes[2], decision="同意加装，费用按楼层分摊")
        return services.topic_publish(topic_id=topic.pk, actor=actors.community_staff)

    return make


@pytest.fixture
def work_order(actors, catalogue):
    """Make a work order carrying out `topic` (routed at once, as the worker would); return the ticket."""
    def make(topic):
        services.topic_order_work(topic_id=topic.pk, actor=actors.community_staff, category=catalogue["0102"],
                                  location=WEST_POINT, description="协调电梯加装")
        return tickets.ticket_route(ticket_id=topic.work_orders.latest("pk").ticket_id)

    return make


@pytest.fixture
def close_ticket(actors):
    """Walk a work order routed to the west community to closed."""
    def close(ticket):
        tickets.ticket_accept(ticket_id=ticket.pk, actor=actors.community_staff)
        tickets.ticket_handle(ticket_id=ticket.pk, actor=actors.community_staff, feedback="已完成")
        tickets.ticket_verify(ticket_id=ticket.pk, actor=actors.community_staff)
        closed = tickets.ticket_close(ticket_id=ticket.pk, actor=actors.community_staff)
        assert closed.status == Ticket.Status.CLOSED
        return closed

    return close
