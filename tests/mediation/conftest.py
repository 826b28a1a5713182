"""Mediation organisations on the test tree's chain, their mediators, and a case factory.

    district centre (测试区) ─┬─ west street centre ── west community committee
                              └─ east street centre ── east community committee
    a medical industry committee in the district, beside the chain
"""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from accounts.models import HandlingUnit, User
from mediation import services
from mediation.models import DisputeType, MediationCase, MediationOrganisation, Mediator
from tests.factories import HandlingUnitFactory, UserFactory
from tests.incidents.conftest import report  # noqa: F401  (fixtures for referrals)

APPLICANT = {"role": "applicant", "name": "张三", "id_number": "441900199001011234", "phone": "13812345678",
             "address": "西社区1号"}
RESPONDENT = {"role": "respondent", "name": "李四", "id_number": "44190019851231567X"}
CST = ZoneInfo("Asia/Shanghai")


@dataclass
class Mediation:
    district_centre: MediationOrganisation
    west_centre: MediationOrganisation
    west_committee: MediationOrganisation
    east_centre: MediationOrganisation
    east_committee: MediationOrganisation
    medical: MediationOrganisation
    committee_mediator: User  # at the west committee
    centre_mediator: User  # at the west street centre
    district_mediator: User
    outsider: User  # a mediator of the east street centre
    expert: Mediator  # in the expert pool, at the district centre (no account)
    west_committee_mediator: Mediator


def _organisation(area, kind, name, superior=None):
    unit = HandlingUnitFactory(area=area, kind=HandlingUnit.Kind.MEDIATION, name=name,
                               superior=superior.unit if superior else None)
    return MediationOrganisation.objects.create(unit=unit, kind=kind)


def _mediator(organisation, name, **fields):
    user = UserFactory(role=User.Role.MEDIATOR, unit=organisation.unit, last_name=name)
    mediator = Mediator.objects.create(name=name, user=user, organisation=organisation,
                                       qualification=Mediator.Qualification.FULL_TIME, **fields)
    return user, mediator


@pytest.fixture
def mediation(tree, actors):
    K = MediationOrganisation.Kind
    district = _organisation(tree.district, K.DISTRICT_CENTRE, "测试区矛盾纠纷调处中心")
    west = _organisation(tree.west_street, K.STREET_CENTRE, "西街道矛盾纠纷调处中心", district)
    east = _organisation(tree.east_street, K.STREET_CENTRE, "东街道矛盾纠纷调处中心", district)
    west_committee = _organisation(tree.west_community, K.COMMITTEE, "西社区人民调解委员会", west)
    east_committee = _organisation(tree.east_community, K.COMMITTEE, "东社区人民调解委员会", east)
    medical = _organisation(tree.district, K.INDUSTRY, "测试区医疗纠纷人民调解委员会")
    medical.speciality = DisputeType.MEDICAL
    medical.save()
    committee_user, committee_mediator = _mediator(west_committee, "陈调解")
    expert = Mediator.objects.create(name="刘法官", organisation=district, is_expert=True,
                                     qualification=Mediator.Qualification.RETIRED_JUDGE,
                                     specialities=[DisputeType.CONTRACT])
    return Mediation(
        district_centre=district, west_centre=west, west_committee=west_committee, east_centre=east,
        east_committee=east_committee, medical=medical, committee_mediator=committee_user,
        centre_mediator=_mediator(west, "周调解")[0], district_mediator=_mediator(district, "吴调解")[0],
        outsider=_mediator(east, "郑调解")[0], expert=expert, west_committee_mediator=committee_mediator,
    )


@pytest.fixture
def make_case(mediation):
    """Return a function registering a neighbours' dispute at the west committee, moved on to `status`."""
    def make(status=MediationCase.Status.REGISTERED, *, actor=None, **fields):
        actor = actor or mediation.committee_mediator
        values = {"source": MediationCase.Source.WALK_IN, "dispute_type": DisputeType.NEIGHBOURS,
                  "facts": "楼上漏水损坏楼下天花板。", "points_in_dispute": "维修费用由谁承担。",
                  "parties": [APPLICANT, RESPONDENT]} | fields
        case = services.case_register(actor=actor, **values)
        order = [MediationCase.Status.ACCEPTED, MediationCase.Status.MEDIATING, MediationCase.Status.AGREED]
        steps = {
            MediationCase.Status.ACCEPTED: lambda: services.case_accept(case_id=case.pk, actor=actor),
            MediationCase.Status.MEDIATING: lambda: services.case_assign(
                case_id=case.pk, actor=actor, mediators=[
                    mediation.west_committee_mediator if case.organisation == mediation.west_committee
                    else mediation.expert]),
            MediationCase.Status.AGREED: lambda: services.case_conclude_agreement(
                case_id=case.pk, actor=actor, kind="written", obligations="李四赔偿张三维修费人民币3000元。",
                performance_manner="银行转账。", performance_deadline=date(2026, 12, 31),
                responsibilities="李四负主要责任。"),
        }
        if status in order:
            for step in order[: order.index(status) + 1]:
                steps[step]()
        elif status != MediationCase.Status.REGISTERED:
            raise ValueError(status)
        case.refresh_from_db()
        return case

    return make


def at(month, day):
    """Return a clock stopped at 10:00 Beijing time on that day of 2026."""
    return time_machine.travel(datetime(2026, month, day, 10, 0, tzinfo=CST), tick=False)


@pytest.fixture
def november(make_case, mediation, actors):
    """Seven cases; the comments give what each contributes to November in the district.

    registered in November: A B C D F G      concluded in November: A (4 d) B (10 d) C (6 d) E (14 d) G
    agreements: A (performed) B (not performed) E (no visit)          C failed, D open, F concluded in December
    G refused (already before a court): concluded, but never mediated — not in the success rate

    All but D are the west street's: A B E F at its committee, C at its centre; D is the east committee's.
    """
    mediator = mediation.committee_mediator

    def agree(case, obligations="赔偿。"):
        services.case_conclude_agreement(case_id=case.pk, actor=case_actor[case.pk], kind="written",
                                         obligations=obligations, performance_manner="转账。",
                                         performance_deadline=date(2026, 12, 31))
        services.case_sign_agreement(case_id=case.pk, actor=case_actor[case.pk], signed_on=timezone.localdate())

    case_actor = {}

    def start(month, day, **fields):
        with at(month, day):
            case = make_case(MediationCase.Status.MEDIATING, **fields)
        case_actor[case.pk] = fields.get("actor", mediator)
        return case

    e = start(10, 19, source="walk_in")
    a = start(11, 2, source="walk_in")
    b = start(11, 3, source="police", dispute_type="labour")
    c = start(11, 4, source="court", actor=mediation.centre_mediator)
    d = start(11, 5, source="walk_in", dispute_type="contract", actor=actors.admin,
              organisation=mediation.east_committee)
    f = start(11, 20, source="walk_in")
    with at(11, 6):
        g = make_case()
        services.case_refuse(case_id=g.pk, actor=mediator, reason_code="court", reason="已向人民法院起诉。")
    with at(11, 2):
        agree(e)
    with at(11, 6):
        agree(a)
    with at(11, 10):
        services.case_fail(case_id=c.pk, actor=mediation.centre_mediator, guidance="litigation", reason="分歧过大")
    with at(11, 13):
        agree(b)
    with at(11, 20):
        services.case_follow_up(case_id=a.pk, actor=mediator, visited_on=date(2026, 11, 20), performance="performed")
        services.case_follow_up(case_id=b.pk, actor=mediator, visited_on=date(2026, 11, 20),
                                performance="not_performed")
    with at(12, 2):
        agree(f)
    return {"A": a, "B": b, "C": c, "D": d, "E": e, "F": f, "G": g}
