"""Demo mediation data for the demo city (seed_demo): organisations on the three levels of the first
district, an industry committee, a personal-brand studio, an expert pool and a handful of cases."""

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import HandlingUnit, User
from govportal import crypto
from govportal.bulk import rows_insert
from govportal.masking import mask_id_number, mask_phone
from govportal.workflow import numbers_reserve
from grids.models import Area

from . import services
from .models import (Agreement, CaseEvent, CaseNumberCounter, CommitteeMember, DisputeType, MediationCase,
                     MediationOrganisation, Mediator, Party)
from .deadlines import time_limit_due

K = MediationOrganisation.Kind
Q = Mediator.Qualification
EXPERTS = [
    ("刘振华", Q.RETIRED_JUDGE, [DisputeType.CONTRACT, DisputeType.DAMAGES]),
    ("孙丽萍", Q.LAWYER, [DisputeType.LABOUR, DisputeType.MARRIAGE_FAMILY]),
    ("何文静", Q.PSYCHOLOGIST, [DisputeType.MARRIAGE_FAMILY, DisputeType.NEIGHBOURS]),
]


def _organisation(code, name, kind, area, superior=None, speciality=""):
    unit = HandlingUnit.objects.create(code=code, name=name, kind=HandlingUnit.Kind.MEDIATION, area=area,
                                       superior=superior.unit if superior else None)
    return MediationOrganisation.objects.create(unit=unit, kind=kind, speciality=speciality)


COMMITTEE_NAMES = ["梁淑芬", "陈国强", "何秀兰", "罗志明", "黄丽娟"]


def _members(organisation):
    """Return five members of a committee, the first its chair (a woman, as the law would have one among them)."""
    P = CommitteeMember.Position
    positions = [P.CHAIR, P.VICE_CHAIR, P.MEMBER, P.MEMBER, P.MEMBER]
    return [{"name": name, "position": position} for name, position in zip(COMMITTEE_NAMES, positions)]


def _parties(applicant, respondent, respondent_kind="person"):
    return [
        {"role": "applicant", "name": applicant[0], "id_number": applicant[1], "phone": applicant[2]},
        {"role": "respondent", "name": respondent[0], "id_number": respondent[1], "phone": respondent[2],
         "kind": respondent_kind},
    ]


@transaction.atomic
def demo_mediation_create():
    """Create the demo mediation data unless it exists; return whether it was created."""
    mediator_user = User.objects.filter(username="demo_mediator").select_related("unit__area").first()
    if mediator_user is None or MediationOrganisation.objects.exists():
        return False
    street = mediator_user.unit.area if mediator_user.unit.kind == HandlingUnit.Kind.STREET_OFFICE \
        else Area.objects.filter(level=Area.Level.STREET).order_by("code").first()
    district = street.parent
    centre = _organisation(f"MD{district.code}", f"{district.name}矛盾纠纷调处中心", K.DISTRICT_CENTRE, district)
    street_centres = {
        area.pk: _organisation(f"MS{area.code}", f"{area.name}矛盾纠纷调处中心", K.STREET_CENTRE, area, centre)
        for area in district.children.order_by("code")
    }
    our_centre = street_centres[street.pk]
    committees = [
        _organisation(f"MC{area.code}", f"{area.name}人民调解委员会", K.COMMITTEE, area, our_centre)
        for area in street.children.order_by("code")
    ]
    medical = _organisation(f"MI{district.code}MED", f"{district.name}医疗纠纷人民调解委员会", K.INDUSTRY, district,
                            speciality=DisputeType.MEDICAL)
    _organisation(f"MI{district.code}TRA", f"{district.name}交通事故纠纷人民调解委员会", K.INDUSTRY, district,
                  speciality=DisputeType.TRAFFIC)
    studio = _organisation(f"MP{district.code}001", "老彭调解室", K.STUDIO, district,
                           speciality=DisputeType.NEIGHBOURS)
    for organisation in MediationOrganisation.objects.filter(kind__in=(K.COMMITTEE, K.INDUSTRY)):
        services.committee_members_set(organisation=organisation, members=_members(organisation))

    # demo_mediator works at the first street's dispute-resolution centre.
    mediator_user.unit = our_centre.unit
    mediator_user.save(update_fields=["unit"])
    own = Mediator.objects.create(name=mediator_user.last_name or "赵敏", user=mediator_user, organisation=our_centre,
                                  qualification=Q.FULL_TIME, specialities=[DisputeType.NEIGHBOURS, DisputeType.LABOUR])
    Mediator.objects.bulk_create(
        [Mediator(name=name, organisation=centre, qualification=qualification, specialities=specialities,
                  is_expert=True) for name, qualification, specialities in EXPERTS]
        + [Mediator(name=f"{committee.name[:-8]}调解员", organisation=committee, qualification=Q.PART_TIME)
           for committee in committees]
        + [Mediator(name="彭国栋", organisation=studio, qualification=Q.FULL_TIME, specialities=[DisputeType.NEIGHBOURS]),
           Mediator(name="钟医生", organisation=medical, qualification=Q.FULL_TIME, specialities=[DisputeType.MEDICAL])]
    )
    _demo_cases(mediator_user, own, committees[0])
    return True


def _demo_cases(user, mediator, committee):
    """A handful of cases at the street centre in every state, and one flagged up from a committee."""
    # The first committee's mediator (an account without a password) registers the high-risk case.
    committee_mediator = User.objects.create(
        username=f"md{committee.unit.code}", role=User.Role.MEDIATOR, unit=committee.unit,
        password=make_password(None), last_name=f"{committee.name[:-8]}调解员",
    )
    today = timezone.localdate()
    register = services.case_register

    registered = register(actor=user, source="walk_in", dispute_type=DisputeType.NEIGHBOURS,
                          facts="邻居装修噪音持续至深夜，多次沟通未果。", points_in_dispute="装修时间安排。",
                          parties=_parties(("黄志强", "441900198803152314", "13800138001"),
                                           ("陈美玲", "441900199107214526", "13800138002")))
    accepted = register(actor=user, source="police", dispute_type=DisputeType.DAMAGES,
                        facts="两车刮擦后双方就修车费用争执，派出所分流至调处中心。", amount_involved=4200,
                        parties=_parties(("李建军", "441900197912041238", "13900139001"),
                                         ("王海燕", "44190019850609232X", "13900139002")))
    services.case_accept(case_id=accepted.pk, actor=user)

    mediating = register(actor=user, source="court", dispute_type=DisputeType.LABOUR,
                         facts="某制衣厂拖欠三名工人两个月工资共计人民币18600元。", amount_involved=18600,
                         points_in_dispute="拖欠工资数额及支付期限。",
                         parties=_parties(("张伟", "441900199302112219", "13700137001"),
                                          ("东莞某制衣有限公司", "", ""), "organisation"))
    services.case_accept(case_id=mediating.pk, actor=user)
    services.case_assign(case_id=mediating.pk, actor=user, mediators=[mediator, *Mediator.objects.filter(
        is_expert=True, qualification=Q.LAWYER)])
    services.case_record_session(case_id=mediating.pk, actor=user, held_at=timezone.now() - timedelta(days=1),
                                 place="街道矛盾纠纷调处中心调解室", attendees="张伟、公司代表、赵敏、孙丽萍",
                                 record="双方核对工资清单，公司承认欠薪数额，对支付期限有分歧。")

    agreed = register(actor=user, source="walk_in", dispute_type=DisputeType.HOUSING,
                      facts="楼上卫生间漏水导致楼下天花板霉变。", points_in_dispute="维修及赔偿费用。",
                      parties=_parties(("周晓明", "441900198002281116", "13600136001"),
                                       ("吴丽华", "441900198711305621", "13600136002")))
    services.case_accept(case_id=agreed.pk, actor=user)
    services.case_assign(case_id=agreed.pk, actor=user, mediators=[mediator])
    services.case_conclude_agreement(
        case_id=agreed.pk, actor=user, kind=Agreement.Kind.WRITTEN, responsibilities="吴丽华负全部责任。",
        obligations="吴丽华于十日内修复防水层，并赔偿周晓明天花板修复费用人民币3000元。",
        performance_manner="维修由吴丽华委托施工；赔偿款以银行转账方式支付。", performance_deadline=today + timedelta(days=10))
    services.case_sign_agreement(case_id=agreed.pk, actor=user, signed_on=today)

    failed = register(actor=user, source="online", dispute_type=DisputeType.CONTRACT,
                      facts="装修合同工期延误，双方就违约金数额分歧较大。", amount_involved=50000,
                      parties=_parties(("郑国华", "441900197606066613", "13500135001"),
                                       ("东莞某装饰工程有限公司", "", ""), "organisation"))
    services.case_accept(case_id=failed.pk, actor=user)
    services.case_assign(case_id=failed.pk, actor=user, mediators=[mediator])
    services.case_fail(case_id=failed.pk, actor=user, guidance=MediationCase.Guidance.LITIGATION,
                       reason="双方对违约金数额分歧过大，已告知可向人民法院起诉。")
    services.case_archive(case_id=failed.pk, actor=user)

    entrusted = register(actor=user, source=MediationCase.Source.COURT_ENTRUSTED, dispute_type=DisputeType.DAMAGES,
                         facts="区人民法院立案后委托调处中心调解的人身损害赔偿纠纷。", amount_involved=26000,
                         parties=_parties(("冯志勇", "441900198204183317", "13400134001"),
                                          ("蔡玉梅", "441900199010102828", "13400134002")))
    services.case_accept(case_id=entrusted.pk, actor=user)

    not_confirmed = register(actor=user, source="walk_in", dispute_type=DisputeType.CONTRACT,
                             facts="借款到期未还，双方就还款计划达成协议后申请司法确认。", amount_involved=30000,
                             parties=_parties(("邓建华", "441900197708081115", "13200132001"),
                                              ("许慧敏", "441900198612126623", "13200132002")))
    services.case_accept(case_id=not_confirmed.pk, actor=user)
    services.case_assign(case_id=not_confirmed.pk, actor=user, mediators=[mediator])
    services.case_conclude_agreement(
        case_id=not_confirmed.pk, actor=user, kind=Agreement.Kind.WRITTEN, obligations="许慧敏分三期归还借款人民币30000元。",
        performance_manner="银行转账。", performance_deadline=today + timedelta(days=90))
    services.case_sign_agreement(case_id=not_confirmed.pk, actor=user, signed_on=today)
    services.case_apply_confirmation(case_id=not_confirmed.pk, actor=user, applied_on=today, joint=True)
    services.case_decide_confirmation(case_id=not_confirmed.pk, actor=user, result=Agreement.Confirmation.REFUSED,
                                      decided_on=today, route=Agreement.Route.MEDIATION)

    flagged = register(actor=committee_mediator, organisation=committee, source="grid", dispute_type=DisputeType.VILLAGE_AFFAIRS,
                       facts="村民小组分红分配引发二十余户村民聚集争执。",
                       parties=_parties(("林耀祖", "441900196512123315", "13300133001"),
                                        ("某村民小组", "", ""), "organisation"))
    services.case_accept(case_id=flagged.pk, actor=committee_mediator)
    services.case_flag_risk(case_id=flagged.pk, actor=committee_mediator, note="涉及二十余户，有群体性事件苗头。")
    return [registered, accepted, mediating, agreed, failed, entrusted, not_confirmed, flagged]


# --- history: about three months of cases at the demo mediator's centre (govportal.demo_history) ---

HISTORY_SEED = "govportal demo mediation history v1"
# Sources that bring no work order with them (a referred order would have to be suspended too).
WALK_IN_SOURCES = (MediationCase.Source.POLICE, MediationCase.Source.COURT, MediationCase.Source.WALK_IN,
                   MediationCase.Source.ONLINE)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # GB 11643 check digit
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁"
GIVEN_NAMES = ["建国", "丽华", "志强", "秀英", "海涛", "美玲", "国华", "晓明", "桂芳", "伟"]
HISTORY_DISPUTES = [
    (DisputeType.NEIGHBOURS, "楼上住户深夜噪音扰民，双方多次争吵。", None),
    (DisputeType.HOUSING, "卫生间渗水导致楼下墙面霉变，维修费用分担有争议。", 3000),
    (DisputeType.LABOUR, "工厂拖欠员工一个月工资，双方对数额有分歧。", 8600),
    (DisputeType.PROPERTY_MANAGEMENT, "业主以服务质量差为由拒交物业费。", 2400),
    (DisputeType.DAMAGES, "电动车与行人碰撞，就医疗费赔偿协商不成。", 5200),
    (DisputeType.CONTRACT, "装修工期延误，业主要求减免尾款。", 12000),
    (DisputeType.MARRIAGE_FAMILY, "兄弟姐妹就老人赡养费用分担发生争执。", None),
]


def _person(rng):
    """Return (name, a checksummed ID number, a mobile number) of a made-up person."""
    born = date(1955, 1, 1) + timedelta(days=rng.randrange(365 * 45))
    body = f"441900{born:%Y%m%d}{rng.randrange(1000):03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, ID_WEIGHTS))
    name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
    return name, body + "10X98765432"[total % 11], f"13{rng.randrange(10 ** 9):09d}"


def demo_mediation_history_create(*, days, now):
    """Write `days` days of cases at the demo mediator's centre, set-based; return how many.

    One case a day, walked by the table (workflow.TRANSITIONS): registered, then accepted (the
    organisation's clock starts), mediated by the demo mediator, and ended by a signed agreement
    or a failure with guidance; a few are refused. Each step lies within the case's time limit,
    so the overdue sweep has nothing to say about them; those whose next step lies after `now`
    stay open. Callers make it idempotent (govportal.demo_history runs it once).
    """
    mediator = Mediator.objects.filter(user__username="demo_mediator").select_related("user").first()
    if mediator is None:
        return 0
    rng = random.Random(HISTORY_SEED)
    first = timezone.localtime(now).date() - timedelta(days=days)
    cases = [case for offset in range(days + 1)
             if (case := _case_walk(rng, mediator, first + timedelta(days=offset), now)) is not None]
    for day in sorted({timezone.localdate(case["row"]["created_at"]) for case in cases}):
        today = [case for case in cases if timezone.localdate(case["row"]["created_at"]) == day]
        for case, number in zip(today, numbers_reserve(CaseNumberCounter, prefix="TJ", day=day, count=len(today))):
            case["row"]["number"] = number
    ids = rows_insert(MediationCase, [case["row"] for case in cases])
    for name, model in (("events", CaseEvent), ("parties", Party), ("agreement", Agreement),
                        ("mediators", MediationCase.mediators.through)):
        key = "mediationcase_id" if name == "mediators" else "case_id"
        rows_insert(model, [{key: case_id, **row} for case, case_id in zip(cases, ids) for row in case[name]])
    return len(cases)


def _case_walk(rng, mediator, day, now):
    """Return one case of `day` as rows, walked until it ends or its next step lies after `now`."""
    registered = timezone.make_aware(datetime.combine(day, time(9 + rng.randrange(8), rng.randrange(60))))
    if registered > now:
        return None
    dispute_type, facts, amount = rng.choice(HISTORY_DISPUTES)
    row = {"number": None, "source": rng.choice(WALK_IN_SOURCES), "status": "",
           "organisation_id": mediator.organisation_id, "registered_by_id": mediator.user_id, "ticket_id": None,
           "dispute_type": dispute_type, "amount_involved": amount, "facts": facts, "points_in_dispute": "",
           "high_risk": False, "risk_note": "", "refusal_reason": "", "guidance": "", "outcome_note": "",
           "due_at": None, "overdue_count": 0, "created_at": registered, "updated_at": registered,
           "accepted_at": None, "concluded_at": None, "archive_number": "", "archive_contents": {},
           "archived_at": None, "archived_by_id": None}
    case = {"row": row, "events": [], "agreement": [], "mediators": [],
            "parties": [{"role": role, "kind": Party.Kind.PERSON, "name": name, "address": "",
                         "refuses_mediation": False, **crypto.sealed("id_number", id_number, mask=mask_id_number),
                         **crypto.sealed("phone", phone, mask=mask_phone)}
                        for role, (name, id_number, phone) in ((Party.Role.APPLICANT, _person(rng)),
                                                               (Party.Role.RESPONDENT, _person(rng)))]}

    def move(at, action, to_status=None, reason_code="", reason=""):
        from_status, row["status"], row["updated_at"] = row["status"], to_status or row["status"], at
        case["events"].append({"action": action, "from_status": from_status, "to_status": row["status"],
                               "actor_id": mediator.user_id, "organisation_id": row["organisation_id"],
                               "reason_code": reason_code, "reason": reason, "created_at": at})
        return at

    at = move(registered, "register", MediationCase.Status.REGISTERED, reason_code=row["source"])
    steps = [timedelta(days=rng.uniform(low, high)) for low, high in ((0.2, 2), (0.2, 2), (3, 20))]
    refused = rng.random() < 0.08
    agreed = rng.random() < 0.75
    if at + steps[0] > now:
        return case
    at += steps[0]
    if refused:
        row["refusal_reason"], row["concluded_at"] = MediationCase.RefusalReason.COURT, at
        move(at, "refuse", MediationCase.Status.REFUSED, reason_code=row["refusal_reason"], reason="已向人民法院起诉。")
        return case
    row["accepted_at"], row["due_at"] = at, time_limit_due(at)
    move(at, "accept", MediationCase.Status.ACCEPTED)
    if at + steps[1] > now:
        return case
    at += steps[1]
    case["mediators"].append({"mediator_id": mediator.pk})
    move(at, "assign", MediationCase.Status.MEDIATING, reason=mediator.name)
    if at + steps[2] > now or at + steps[2] > row["due_at"]:
        return case
    at += steps[2]
    row["concluded_at"], row["due_at"] = at, None
    if not agreed:
        row["guidance"], row["outcome_note"] = MediationCase.Guidance.LITIGATION, "双方分歧较大，已告知可向人民法院起诉。"
        move(at, "fail", MediationCase.Status.FAILED, reason_code=row["guidance"], reason=row["outcome_note"])
        return case
    signed = timezone.localdate(at)
    case["agreement"].append({"kind": Agreement.Kind.WRITTEN, "responsibilities": "", "obligations": "双方按调解协议履行各自义务。",
                              "performance_manner": "一次性银行转账。", "performance_deadline": signed + timedelta(days=15),
                              "effective_on": signed, "confirmation": "", "confirmation_court": "", "confirmation_route": "",
                              "confirmation_number": "", "performance": Agreement.Performance.PENDING,
                              "created_at": at})
    move(at, "conclude_agreement", MediationCase.Status.AGREED, reason_code=Agreement.Kind.WRITTEN)
    move(at + timedelta(minutes=30), "sign_agreement")
    return case
