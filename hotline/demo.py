"""The hotline's demo data: knowledge articles, a few calls, a merged order, an overdue order with its
reminder and supervision notice, a matter on the register, and the demo Open311 key (demo only)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from grids.models import Building
from grids.selectors import grid_locate
from incidents.merging import ticket_merge
from incidents.models import Category, Ticket
from incidents.register import ticket_park
from incidents.services import ticket_accept, ticket_route, ticket_sign
from incidents.workflow import TICKETS, TRANSITIONS
from incidents.sweeps import overdue_escalate

from . import services
from .supervision import overdue_notices_send
from .models import Call, KnowledgeArticle, Open311Key

DEMO_OPEN311_KEY = "demo-open311-key"  # documented in README as demo-only

ARTICLES = [
    ("居住证办理需要哪些材料", "居住证 办证 材料",
     "在本市居住满半年并有合法稳定就业、住所或连续就读的，可携带身份证、居住登记凭证、近期照片到社区服务中心或派出所申领居住证，"
     "也可在政务服务网上预约办理，15个工作日内发证。"),
    ("路灯不亮怎么报修", "路灯 报修 照明",
     "市政道路路灯由城市管理部门维护。可拨打12345报修，说明路名、最近的门牌号或灯杆编号，一般在3个工作日内修复。小区内路灯请联系物业。"),
    ("新生儿如何办理医保参保", "医保 新生儿 参保",
     "新生儿出生后可在出生医院或社区服务中心办理城乡居民医保参保登记，出生90天内参保的，自出生之日起享受待遇。"),
    ("垃圾分类投放时间", "垃圾分类 投放 时间",
     "居民生活垃圾实行定时定点投放：每天7:00—9:00、18:00—21:00在小区投放点分类投放，大件垃圾需预约上门回收。"),
    ("公积金提取办理条件", "公积金 提取 条件",
     "购买、建造、翻建、大修自住住房，偿还购房贷款本息，租房自住等情形可申请提取住房公积金，可通过公积金中心网站或手机应用在线办理。"),
]


def demo_hotline_create():
    """Create the hotline's demo data once; return whether anything was created (idempotent)."""
    created = False
    with transaction.atomic():
        for title, keywords, body in ARTICLES:
            created |= KnowledgeArticle.objects.get_or_create(title=title, defaults={
                "keywords": keywords, "body": body})[1]
        created |= Open311Key.objects.get_or_create(key=DEMO_OPEN311_KEY, defaults={
            "name": "演示用 Open311 密钥（仅限演示）"})[1]
        operator = User.objects.filter(username="demo_operator").first()
        if operator is None or Call.objects.filter(operator=operator).exists():
            return created
        building = Building.objects.filter(location__isnull=False).order_by("pk").first()
        if building is None:
            return created
        _demo_calls(operator, building)
        _demo_overdue_and_register(operator, building)
    return True


def _demo_calls(operator, building):
    """An enquiry answered from the knowledge base, a complaint made a work order, a repeat call linked
    to it and a duplicate order merged into it."""
    now = timezone.now()
    place = grid_locate(building.location)
    common = {"address": building.address, "location": building.location, "place": place, "confidential": False,
              "caller_name": "", "urgency": ""}
    article = KnowledgeArticle.objects.get(title=ARTICLES[0][0])
    services.call_answer(
        operator=operator, article=article, caller_phone="13800001111", request_type="enquiry",
        content="想问一下办居住证需要带什么材料", category=None, started_at=now - timedelta(minutes=30),
        **{**common, "location": None, "place": None},
    )
    lamp = Category.objects.get(code="0201")
    call = services.call_dispatch(
        operator=operator, caller_phone="13900002222", request_type="complaint",
        content="小区门口的路灯不亮了，晚上很黑，已经好几天了", category=lamp,
        started_at=now - timedelta(minutes=20), idempotency_key="demo-hotline-lamp", **common,
    )
    services.call_link(
        operator=operator, ticket=call.ticket, caller_phone="13700003333", request_type="complaint",
        content="门口路灯坏了好几天没人修", category=lamp, started_at=now - timedelta(minutes=5), **common,
    )
    # 并单: a neighbour's call about the same lamp became an order of its own before anyone saw the
    # first; the operator merges it into the first, which is handled for both.
    ticket_route(ticket_id=call.ticket_id)
    duplicate = services.call_dispatch(
        operator=operator, caller_phone="13800006666", request_type="complaint", content="小区大门口那盏路灯一直不亮",
        category=lamp, started_at=now - timedelta(minutes=15), idempotency_key="demo-hotline-lamp-again", **common,
    ).ticket
    ticket_route(ticket_id=duplicate.pk)
    ticket_merge(ticket_id=duplicate.pk, actor=operator, master_number=call.ticket.number,
                 reason="同一盏路灯的重复来电")


def _demo_overdue_and_register(operator, building):
    """A drainage order left overdue three weeks ago, reminded and then supervised in writing, and
    street lights to rewire that the street leader put on the register for lack of funds."""
    now = timezone.now()
    common = {"address": building.address, "location": building.location, "place": grid_locate(building.location),
              "confidential": False, "caller_name": "", "urgency": "", "started_at": now - timedelta(minutes=40)}
    drain = services.call_dispatch(
        operator=operator, caller_phone="13600004444", request_type="complaint", content="楼下雨水井堵塞，一下雨就积水",
        category=Category.objects.get(code="0204"), idempotency_key="demo-hotline-drain", **common,
    ).ticket
    ticket_route(ticket_id=drain.pk)
    # The sweeps run as they would have then: the deadline missed 21 days ago, the reminder the next
    # working day (at the latest 20 days ago), the written notice once 5 more working days had passed.
    missed = now - timedelta(days=21)
    Ticket.objects.filter(pk=drain.pk).update(due_at=missed)
    overdue_escalate(now=missed + timedelta(minutes=1))
    overdue_notices_send(now=now - timedelta(days=14))
    overdue_notices_send(now=now)
    lights = services.call_dispatch(
        operator=operator, caller_phone="13500005555", request_type="help", content="小区外整条路的路灯线路老化，经常整段不亮",
        category=Category.objects.get(code="0201"), idempotency_key="demo-hotline-lights", **common,
    ).ticket
    lights = ticket_route(ticket_id=lights.pk)
    leader = User.objects.filter(username="demo_leader").first()
    holder = User.objects.filter(unit=lights.handling_unit, is_active=True).first()
    if leader is None or holder is None or not TICKETS.may(lights, leader, TRANSITIONS["park"]):
        return
    take_up = {Ticket.Status.REPORTED: ticket_accept, Ticket.Status.DISPATCHED: ticket_sign}.get(lights.status)
    if take_up is not None:
        take_up(ticket_id=lights.pk, actor=holder)
    ticket_park(ticket_id=lights.pk, actor=leader, reason_kind="funds", reason="整段路灯线路改造需列入明年市政维修预算",
                review_on=timezone.localdate() + timedelta(days=90))
