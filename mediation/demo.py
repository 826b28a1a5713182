"""Demo mediation data for the demo city (seed_demo): organisations on the three levels of the first
district, an industry committee, a personal-brand studio, an expert pool and a handful of cases."""

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import HandlingUnit, User
from grids.models import Area

from . import services
from .models import Agreement, DisputeType, MediationCase, MediationOrganisation, Mediator

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

    flagged = register(actor=committee_mediator, organisation=committee, source="grid", dispute_type=DisputeType.VILLAGE_AFFAIRS,
                       facts="村民小组分红分配引发二十余户村民聚集争执。",
                       parties=_parties(("林耀祖", "441900196512123315", "13300133001"),
                                        ("某村民小组", "", ""), "organisation"))
    services.case_accept(case_id=flagged.pk, actor=committee_mediator)
    services.case_flag_risk(case_id=flagged.pk, actor=committee_mediator, note="涉及二十余户，有群体性事件苗头。")
    return [registered, accepted, mediating, agreed, failed, flagged]
