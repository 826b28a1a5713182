"""The course of a topic on the shared engine: support, the vote, 公示, work orders and the implementation
sweep; attendance points once; and the community's scope."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from accounts.access import OUTSIDE_SCOPE
from deliberation import services, sweeps
from deliberation.models import Attendance, Topic, TopicEvent
from deliberation.selectors import decisions_public, topic_get
from deliberation.workflow import ONLY_ADOPTED, DeliberationInputError
from govportal.errors import DomainConflict
from govportal.workflow import ROLE_NOT_ALLOWED, TransitionNotAllowed
from participation.models import PointEntry
from participation.points import points_balance

from tests.incidents.conftest import WEST_POINT

from .conftest import resident

pytestmark = [pytest.mark.django_db, pytest.mark.dated]

CST = ZoneInfo("Asia/Shanghai")
MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=CST)


def test_a_topic_walks_from_raised_to_implemented_and_every_move_is_an_event(
        actors, published, work_order, close_ticket):
    topic = published()
    assert (topic.status, topic.result) == (Topic.Status.PUBLISHED, Topic.Result.ADOPTED)
    ticket = work_order(topic)
    assert ticket.deliberation_link.topic == topic
    assert sweeps.topics_implemented_mark() == []  # its work order is still open
    close_ticket(ticket)
    assert sweeps.topics_implemented_mark() == [topic.pk]
    assert sweeps.topics_implemented_mark() == []  # once
    topic.refresh_from_db()
    assert topic.status == Topic.Status.IMPLEMENTED and topic.implemented_at is not None
    events = list(topic.events.values_list("action", "from_status", "to_status", "actor__username", "system"))
    staff = actors.community_staff.username
    assert events == [
        ("raise", "", "raised", None, ""),
        ("select", "raised", "selected", staff, ""),
        ("decide", "selected", "decided", staff, ""),
        ("publish", "decided", "published", staff, ""),
        ("order_work", "published", "published", staff, ""),
        ("implement", "published", "implemented", None, "implementation sweep"),
    ]


def test_a_published_topic_without_work_orders_is_never_marked_implemented(published):
    published()
    assert sweeps.topics_implemented_mark() == []


def test_one_resident_supports_a_topic_once(raise_topic):
    topic = raise_topic()
    services.topic_support(topic_id=topic.pk, phone_hash=resident(1))
    with pytest.raises(DomainConflict, match=str(services.ALREADY_SUPPORTED)):
        services.topic_support(topic_id=topic.pk, phone_hash=resident(1))
    services.topic_support(topic_id=topic.pk, phone_hash=resident(2))
    assert topic.supports.count() == 2


def test_a_decided_topic_takes_no_more_support(published):
    topic = published()
    with pytest.raises(DomainConflict, match=str(services.SUPPORT_CLOSED)):
        services.topic_support(topic_id=topic.pk, phone_hash=resident(1))


@pytest.mark.parametrize(("votes", "result"), [
    ((3, 1, 0), "adopted"), ((1, 0, 0), "adopted"), ((2, 2, 0), "rejected"), ((2, 1, 1), "rejected"),
    ((0, 3, 0), "rejected"),
])
def test_a_decision_is_adopted_by_more_than_half_of_the_votes_cast(published, votes, result):
    topic = published(votes)
    assert (topic.votes_for, topic.votes_against, topic.votes_abstain, topic.result) == (*votes, result)


def test_the_votes_cast_are_checked_against_the_attendance(actors, raise_topic, meeting, attended):
    topic = raise_topic()
    attended(2)
    services.topic_select(topic_id=topic.pk, actor=actors.community_staff, meeting=meeting)
    for votes, message in (((0, 0, 0), services.NO_VOTES),
                           ((2, 1, 0), services.MORE_VOTES_THAN_ATTENDANCE % {"votes": 3, "present": 2})):
        with pytest.raises(DeliberationInputError, match=str(message)):
            services.topic_decide(topic_id=topic.pk, actor=actors.community_staff, votes_for=votes[0],
                                  votes_against=votes[1], votes_abstain=votes[2], decision="同意")
    assert Topic.objects.get(pk=topic.pk).status == Topic.Status.SELECTED


def test_a_decision_is_public_for_its_days_today_the_first(tree, published):
    with time_machine.travel(MONDAY_9AM, tick=False):
        topic = published()
    assert topic.public_until == date(2026, 11, 29)  # 7 days from Monday 23 November
    assert list(decisions_public(community=tree.west_community, today=date(2026, 11, 29))) == [topic]
    assert list(decisions_public(community=tree.west_community, today=date(2026, 11, 30))) == []
    assert list(decisions_public(community=tree.east_community, today=date(2026, 11, 29))) == []


def test_a_rejected_decision_makes_no_work_order_and_is_closed_with_a_reason(actors, published, catalogue):
    topic = published((1, 2, 0))
    with pytest.raises(TransitionNotAllowed, match=str(ONLY_ADOPTED.refusal)):
        services.topic_order_work(topic_id=topic.pk, actor=actors.community_staff, category=catalogue["0102"],
                                  location=WEST_POINT, description="不应派单")
    closed = services.topic_close(topic_id=topic.pk, actor=actors.community_staff, reason="未通过，不再推进")
    assert closed.status == Topic.Status.CLOSED


def test_attending_credits_the_citys_points_once_per_person_and_meeting(actors, meeting, enter, attendance_points):
    people = [enter("王居民"), enter("李居民")]
    first = services.attendance_record(meeting_id=meeting.pk, actor=actors.community_staff, participants=people)
    again = services.attendance_record(meeting_id=meeting.pk, actor=actors.community_staff,
                                       participants=[people[0], people[0]])
    assert (len(first), again) == (2, [])
    assert Attendance.objects.filter(meeting=meeting).count() == 2
    assert [points_balance(person) for person in people] == [attendance_points] * 2
    assert set(PointEntry.objects.values_list("reason", "note")) == {("attendance", "居民议事会")}


def test_another_communitys_staff_neither_see_nor_move_a_topic(actors, raise_topic, meeting):
    topic = raise_topic()
    with pytest.raises(Topic.DoesNotExist):
        topic_get(user=actors.outsider, topic_id=topic.pk)
    with pytest.raises(PermissionDenied, match=str(OUTSIDE_SCOPE)):
        services.topic_select(topic_id=topic.pk, actor=actors.outsider, meeting=meeting)
    with pytest.raises(PermissionDenied, match=str(OUTSIDE_SCOPE)):
        services.attendance_record(meeting_id=meeting.pk, actor=actors.outsider, participants=[])
    assert not TopicEvent.objects.filter(action="select").exists()


def test_a_topic_goes_only_before_a_meeting_of_its_own_community(actors, tree, raise_topic):
    topic = raise_topic()
    east = services.meeting_call(actor=actors.admin, community=tree.east_community, title="东社区议事会",
                                 held_at=MONDAY_9AM, place="东社区")
    with pytest.raises(DeliberationInputError, match=str(services.NOT_THIS_COMMUNITYS_MEETING)):
        services.topic_select(topic_id=topic.pk, actor=actors.community_staff, meeting=east)


@pytest.mark.parametrize("role", ["grid_worker", "department_handler", "leader"])
def test_only_community_staff_take_a_topics_steps(actors, raise_topic, meeting, attended, role):
    topic = raise_topic()
    attended(1)
    services.topic_select(topic_id=topic.pk, actor=actors.community_staff, meeting=meeting)
    with pytest.raises(PermissionDenied, match=str(ROLE_NOT_ALLOWED)):
        services.topic_decide(topic_id=topic.pk, actor=getattr(actors, role), votes_for=1, votes_against=0,
                              votes_abstain=0, decision="同意")
    with pytest.raises(PermissionDenied, match=str(ROLE_NOT_ALLOWED)):
        services.topic_deselect(topic_id=topic.pk, actor=getattr(actors, role), reason="改期")
    services.topic_decide(topic_id=topic.pk, actor=actors.street_coordinator, votes_for=1, votes_against=0,
                          votes_abstain=0, decision="同意")
