"""Demo deliberation data for the demo city (seed_demo): the demo community's topics of this quarter, raised by
residents and supported, a meeting with its attendance and minutes, and one topic walked all the way from
raised to implemented (voted, published, a work order made and closed). Made through the services, as the
community's staff and residents would."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import HandlingUnit, User
from govportal.crypto import blind_index
from incidents import services as tickets
from incidents.models import Category
from participation.models import Participant

from . import services, sweeps
from .models import Topic

COMMUNITY_CATEGORY = "0102"  # 乱堆放: the community handles it itself (incidents.catalogue)
RESIDENTS = [f"1376100{n:04d}" for n in range(1, 9)]
TOPICS = [  # title, description, supporters
    ("小区加装电梯", "3栋、5栋多为老年住户，上下楼困难，希望议一议加装电梯和费用分摊。", 6),
    ("楼下广场舞噪音", "晚上九点后广场舞音乐仍很大，影响休息，希望商量活动时间和音量。", 4),
    ("增设电动车充电桩", "楼道飞线充电隐患大，建议在小区东门空地增设集中充电桩。", 8),
    ("社区食堂开设老年助餐", "希望社区食堂为七十岁以上老人提供优惠午餐。", 3),
]


@transaction.atomic
def demo_deliberation_create():
    """Create the demo deliberation data unless it exists; return whether it was created."""
    staff = User.objects.filter(username="demo_community").select_related("unit__area").first()
    if staff is None or Topic.objects.exists():
        return False
    community = staff.unit.area
    topics = []
    for index, (title, description, supporters) in enumerate(TOPICS):
        topic = services.topic_raise(community=community, title=title, description=description,
                                     phone_hash=blind_index(RESIDENTS[index]))
        for phone in RESIDENTS[:supporters]:
            services.topic_support(topic_id=topic.pk, phone_hash=blind_index(phone))
        topics.append(topic)
    charging, dancing = topics[2], topics[1]
    meeting = services.meeting_call(
        actor=staff, community=community, title="第三季度居民议事会", held_at=timezone.now() - timedelta(days=2),
        place=f"{community.name}党群服务中心", invited_others="物业服务公司、业主委员会",
        invited_participants=list(Participant.objects.filter(community=community,
                                                             status=Participant.Status.CONFIRMED)[:4]),
        invited_units=list(HandlingUnit.objects.filter(kind=HandlingUnit.Kind.DEPARTMENT,
                                                       area__code=community.code[:6])[:2]))
    services.attendance_record(meeting_id=meeting.pk, actor=staff, participants=meeting.invited_participants.all())
    services.meeting_minutes_record(meeting_id=meeting.pk, actor=staff,
                                    minutes="议定：东门空地增设充电桩；广场舞活动时间调整至晚八点半前结束。")
    for topic, votes, decision in ((charging, (4, 0, 0), "同意在东门空地增设电动车集中充电桩，由街道协调建设。"),
                                   (dancing, (1, 2, 1), "暂不限制，由物业与舞蹈队协商音量。")):
        services.topic_select(topic_id=topic.pk, actor=staff, meeting=meeting)
        services.topic_decide(topic_id=topic.pk, actor=staff, votes_for=votes[0], votes_against=votes[1],
                              votes_abstain=votes[2], decision=decision)
        services.topic_publish(topic_id=topic.pk, actor=staff)
    _carried_out(charging, staff, community)
    return True


def _carried_out(topic, staff, community):
    """Make the decision's work order, handle and close it, and let the sweep mark the topic implemented."""
    category = Category.objects.get(code=COMMUNITY_CATEGORY)
    topic = services.topic_order_work(topic_id=topic.pk, actor=staff, category=category,
                                      location=community.geom.point_on_surface, description="东门空地建设充电桩")
    ticket = tickets.ticket_route(ticket_id=topic.work_orders.get().ticket_id)
    tickets.ticket_accept(ticket_id=ticket.pk, actor=staff)
    tickets.ticket_handle(ticket_id=ticket.pk, actor=staff, feedback="充电桩已建成并通电。")
    tickets.ticket_verify(ticket_id=ticket.pk, actor=staff)
    tickets.ticket_close(ticket_id=ticket.pk, actor=staff)
    sweeps.topics_implemented_mark()
