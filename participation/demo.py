"""Demo participation data for the demo city (seed_demo): the demo community's volunteers, party members
and social workers (two waiting for confirmation), its three teams, and tasks in every state, one of
them a work order given to volunteers; a service project (三社联动) running with an approved organisation
and a milestone done; the city's points rules, partner offers, points earned, a
redemption and a correction. Made through the services, as the community's staff would."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from govportal import crypto
from govportal.masking import mask_phone
from incidents.models import Ticket

from . import points, services, sweeps
from .models import PartnerOffer, Participant, ParticipantEvent, PointReason, PointRule, Task, Team

K = Participant.Kind
PEOPLE = [  # name, kind, phone, work unit, skills
    ("陈志明", K.VOLUNTEER, "13760000001", "", "电工"),
    ("林晓红", K.VOLUNTEER, "13760000002", "", "护理"),
    ("黄国强", K.PARTY_MEMBER, "13760000003", "市税务局", ""),
    ("吴丽娟", K.PARTY_MEMBER, "13760000004", "区人民医院", "急救"),
    ("郑社工", K.SOCIAL_WORKER, "13760000005", "", "心理疏导"),
    ("阳光社工服务中心", K.SOCIAL_ORGANISATION, "13760000006", "", "长者服务"),
    ("和谐家园社会工作事务所", K.SOCIAL_ORGANISATION, "13760000009", "", "青少年服务"),
]
WAITING = [("刘新来", K.VOLUNTEER, "13760000007"), ("赵报到", K.PARTY_MEMBER, "13760000008")]


def _waiting(community, name, kind, phone):
    """A registration made on a phone, not yet confirmed (as participant_register leaves it)."""
    participant = Participant.objects.create(
        community=community, kind=kind, name=name, work_unit="市自然资源局" if kind == K.PARTY_MEMBER else "",
        **crypto.sealed("phone", phone, mask=mask_phone, indexed=True))
    ParticipantEvent.objects.create(participant=participant, action="register", to_status=participant.status)


@transaction.atomic
def demo_participation_create():
    """Create the demo participation data unless it exists; return whether it was created."""
    staff = User.objects.filter(username="demo_community").select_related("unit__area").first()
    if staff is None or Participant.objects.exclude(kind=K.RESIDENT).exists():  # residents come by their reports
        return False
    community = staff.unit.area
    people = [services.participant_enter(actor=staff, community=community, kind=kind, name=name, phone=phone,
                                         work_unit=work_unit, skills=skills)
              for name, kind, phone, work_unit, skills in PEOPLE]
    for name, kind, phone in WAITING:
        _waiting(community, name, kind, phone)
    for kind, name, leader, members in ((Team.Kind.VOLUNTEER_TEAM, "邻里守望志愿服务队", 0, (1, 4)),
                                        (Team.Kind.PATROL, "红袖章巡逻队", 2, (3,)),
                                        (Team.Kind.PARTY_BRANCH, "在职党员报到临时党支部", 2, (3,))):
        services.team_create(actor=staff, community=community, kind=kind, name=name, leader=people[leader],
                             members=[people[m] for m in members])
    city = community.parent.parent.parent
    PointRule.objects.bulk_create([PointRule(city=city, reason=reason, points=value) for reason, value in (
        (PointReason.CONFIRMED_HOUR, 10), (PointReason.VALID_REPORT, 5), (PointReason.ATTENDANCE, 5))])
    _tasks(staff, community, people)
    _project(staff, community, organisations=people[5:7])
    rice, haircut = PartnerOffer.objects.bulk_create([
        PartnerOffer(community=community, shop="惠民社区超市", item="大米5斤", points=30, stock=20),
        PartnerOffer(community=community, shop="邻里理发店", item="理发一次", points=20, stock=5),
    ])
    points.offer_redeem(offer_id=haircut.pk, participant=people[2])  # 30 points earned on the patrol
    points.points_correct(actor=staff, participant_id=people[3].pk, points=-5, note="巡逻提前离开半小时")
    return True


def _tasks(staff, community, people):
    place, now = community.geom.point_on_surface, timezone.now()

    def post(title, kind, days, quota=2, hours="2"):
        return services.task_post(
            actor=staff, community=community, kind=kind, title=title, description=title, place=place,
            place_name=f"{community.name}党群服务中心", starts_at=now + timedelta(days=days, hours=2),
            take_by=now + timedelta(days=days), quota=quota, hours=Decimal(hours))

    def worked(task, person, *, until):
        claim = services.task_take(task_id=task.pk, participant=person)
        steps = [lambda: services.claim_check_in(claim_id=claim.pk, actor=person, location=place),
                 lambda: services.claim_report(claim_id=claim.pk, actor=person, report="已完成。"),
                 lambda: services.claim_confirm(claim_id=claim.pk, actor=staff)]
        for step in steps[:until]:
            step()

    visit = post("探访独居老人", Task.Kind.ELDERLY_VISIT, 3, quota=3)
    worked(visit, people[0], until=0)  # taken
    worked(visit, people[1], until=1)  # checked in
    worked(visit, people[4], until=2)  # reported, awaiting confirmation
    patrol = post("周末夜间巡逻", Task.Kind.PATROL, 2, hours="3")
    worked(patrol, people[2], until=3)  # confirmed, hours credited
    worked(patrol, people[3], until=3)
    services.task_close(task_id=patrol.pk, actor=staff)
    post("为孤寡老人王奶奶更换灯泡（微心愿）", Task.Kind.WISH, 5, quota=1, hours="1")
    duty = post("社区疫苗接种点值守", Task.Kind.EPIDEMIC_DUTY, 4, quota=4)
    services.task_cancel(task_id=duty.pk, actor=staff, reason="接种点改期")
    unclaimed = post("社区运动会协助", Task.Kind.EVENT_HELP, 6, quota=5)
    Task.objects.filter(pk=unclaimed.pk).update(take_by=now - timedelta(hours=1))  # its take-by time has come
    sweeps.unclaimed_tasks_warn(now=now)
    ticket = Ticket.objects.filter(community=community).order_by("pk").first()
    worker = User.objects.filter(username="demo_gridworker").first()
    if ticket is not None and worker is not None:
        services.task_from_ticket(actor=worker, ticket_id=ticket.pk, title="清理楼道堆放杂物",
                                  starts_at=now + timedelta(days=1, hours=2), take_by=now + timedelta(days=1),
                                  quota=2, hours=Decimal("1"))


def _project(staff, community, *, organisations):
    """A 三社联动 project: two organisations applied, the street approved the first, one milestone done."""
    coordinator = User.objects.filter(username="demo_coordinator").first()
    if coordinator is None:
        return
    today = timezone.localdate()
    project = services.project_post(
        actor=staff, community=community, title="长者助餐与探访服务", need="辖区独居、高龄老人午餐配送与每周探访",
        budget=Decimal("80000.00"), starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=150))
    for organisation, plan, amount in ((organisations[0], "组建助餐配送队，每周探访一次并建立服务台账", "76000"),
                                       (organisations[1], "以青少年志愿者结对长者开展探访", "60000")):
        services.project_apply(project_id=project.pk, actor=organisation, plan=plan, amount=Decimal(amount))
    services.project_approve(project_id=project.pk, actor=coordinator,
                             application=project.applications.get(organisation=organisations[0]))
    for title, days in (("完成长者需求摸底", -10), ("助餐点试运行", 30), ("中期评估", 75)):
        services.milestone_plan(project_id=project.pk, actor=staff, title=title,
                                planned_on=today + timedelta(days=days))
    services.milestone_done(project_id=project.pk, actor=organisations[0], milestone=project.milestones.first(),
                            done_on=today - timedelta(days=8), note="走访 126 户，建立长者服务档案 48 份")
