"""The end of a case as a 调委会 works it: the moves offered at each step, 结案归档 (read-only
after), court-entrusted time limits, the committee's size and chair, and the agreement's copies."""

from datetime import datetime
from io import BytesIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from audit.models import AuditEvent
from govportal.workflow import TransitionNotAllowed
from mediation import services
from mediation.deadlines import ENTRUSTED_EXTENSION_TOO_LONG, time_limit_due
from mediation.documents import agreement_pdf
from mediation.models import CommitteeMember, MediationCase, PartyReveal
from mediation.sweeps import overdue_cases_escalate
from mediation.workflow import ALREADY_EXTENDED, CASES
from tests.factories import log_in_verified

from .conftest import CST

pytestmark = pytest.mark.dated

S = MediationCase.Status
P = CommitteeMember.Position
MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=CST)
FRIDAY_3PM = datetime(2026, 11, 20, 15, 0, tzinfo=CST)  # 30 calendar days on is a Sunday, no working day
TODAY = MONDAY_9AM.date()


def offered(case, user):
    case = MediationCase.objects.get(pk=case.pk)  # as a page would read it, fresh
    return CASES.allowed_actions(case, user)


@time_machine.travel(MONDAY_9AM, tick=False)
def test_actions_offered_are_exactly_those_that_can_be_made_to_the_end_of_the_case(make_case, mediation):
    mediator = mediation.committee_mediator
    case = make_case(S.AGREED)
    assert offered(case, mediator) == ["sign_agreement"]
    services.case_sign_agreement(case_id=case.pk, actor=mediator, signed_on=TODAY)
    assert offered(case, mediator) == ["apply_confirmation", "follow_up", "archive"]
    services.case_apply_confirmation(case_id=case.pk, actor=mediator, applied_on=TODAY, joint=True)
    assert offered(case, mediator) == ["decide_confirmation", "follow_up"]  # no archive while the court decides
    services.case_decide_confirmation(case_id=case.pk, actor=mediator, result="confirmed", decided_on=TODAY,
                                      number="（2026）粤1901民特1号")
    assert offered(case, mediator) == ["follow_up", "archive"]
    services.case_follow_up(case_id=case.pk, actor=mediator, visited_on=TODAY, performance="performing")
    assert offered(case, mediator) == ["follow_up", "archive"]
    services.case_follow_up(case_id=case.pk, actor=mediator, visited_on=TODAY, performance="performed")
    assert offered(case, mediator) == ["archive"]
    services.case_archive(case_id=case.pk, actor=mediator)
    assert offered(case, mediator) == []
    for action in services.ACTION_SERVICES:  # each move offered is one the engine makes, and no other
        assert CASES.transitions[action].open_to(MediationCase.objects.get(pk=case.pk)) is False


@time_machine.travel(MONDAY_9AM, tick=False)
def test_archiving_closes_the_case_file_with_who_when_number_and_documents_then_it_is_read_only(
        make_case, mediation):
    mediator = mediation.committee_mediator
    case = make_case(S.MEDIATING)
    services.case_record_session(case_id=case.pk, actor=mediator, held_at=MONDAY_9AM, place="西社区调解室",
                                 attendees="张三、李四", record="双方陈述。")
    services.case_fail(case_id=case.pk, actor=mediator, guidance="litigation", reason="分歧过大")
    archived = services.case_archive(case_id=case.pk, actor=mediator)
    assert archived.status == S.ARCHIVED
    assert (archived.archive_number, archived.archived_by, archived.archived_at) == (
        "GD202611230001", mediator, MONDAY_9AM)
    assert archived.archive_contents == {"registration": 1, "sessions": 1}
    assert archived.events.last().reason == "GD202611230001"
    with pytest.raises(TransitionNotAllowed):
        services.case_record_session(case_id=case.pk, actor=mediator, held_at=MONDAY_9AM, place="p",
                                     attendees="a", record="r")
    with pytest.raises(TransitionNotAllowed):
        services.case_archive(case_id=case.pk, actor=mediator)


@time_machine.travel(MONDAY_9AM, tick=False)
def test_an_agreement_not_yet_in_effect_is_not_archived(make_case, mediation):
    case = make_case(S.AGREED)
    with pytest.raises(TransitionNotAllowed):
        services.case_archive(case_id=case.pk, actor=mediation.committee_mediator)
    assert MediationCase.objects.get(pk=case.pk).archive_number == ""


@time_machine.travel(MONDAY_9AM, tick=False)
def test_archived_case_on_the_page_and_in_the_api(client, make_case, mediation, api):
    mediator = mediation.committee_mediator
    case = make_case()
    services.case_refuse(case_id=case.pk, actor=mediator, reason_code="court")
    services.case_archive(case_id=case.pk, actor=mediator)
    log_in_verified(client, mediator)
    html = client.get(f"/mediation/{case.pk}/").content.decode()
    assert 'id="archive-number">GD202611230001<' in html
    assert 'data-action=' not in html  # read-only: no action offered
    assert "GD202611230001" in client.get("/mediation/").content.decode()
    data = api(mediator).get(f"/api/v1/mediation/cases/{case.pk}/").json()
    assert (data["status"], data["archive_number"], data["archive_contents"], data["allowed_actions"]) == (
        "archived", "GD202611230001", {"registration": 1}, [])


@time_machine.travel(FRIDAY_3PM, tick=False)
def test_court_entrusted_case_gets_30_days_extendable_once_by_at_most_30(make_case, mediation):
    mediator = mediation.committee_mediator
    case = make_case(S.ACCEPTED, source=MediationCase.Source.COURT_ENTRUSTED)
    assert case.due_at == datetime(2026, 12, 20, 15, 0, tzinfo=CST)  # 30 calendar days: a Sunday
    with pytest.raises(services.MediationInputError, match=str(ENTRUSTED_EXTENSION_TOO_LONG)):
        services.case_extend(case_id=case.pk, actor=mediator, days=31, parties_consent=True, reason="鉴定")
    extended = services.case_extend(case_id=case.pk, actor=mediator, days=30, parties_consent=True, reason="鉴定")
    assert extended.due_at == datetime(2027, 1, 19, 15, 0, tzinfo=CST)
    assert "extend" not in offered(case, mediator)
    with pytest.raises(TransitionNotAllowed, match=str(ALREADY_EXTENDED)):
        services.case_extend(case_id=case.pk, actor=mediator, days=5, parties_consent=True, reason="再延")


@time_machine.travel(MONDAY_9AM, tick=False)
def test_other_cases_keep_the_one_month_norm_and_may_be_extended_again(make_case, mediation):
    mediator = mediation.committee_mediator
    case = make_case(S.ACCEPTED, source=MediationCase.Source.COURT)  # pre-litigation referral: not entrusted
    assert case.due_at == datetime(2026, 12, 23, 9, 0, tzinfo=CST)  # 22 working days
    services.case_extend(case_id=case.pk, actor=mediator, days=5, parties_consent=True, reason="鉴定")
    assert "extend" in offered(case, mediator)


def test_a_committee_has_3_to_9_members_with_one_chair(mediation):
    committee = mediation.west_committee
    with pytest.raises(ValidationError):
        committee.validate_members([P.CHAIR, P.MEMBER])
    with pytest.raises(ValidationError):
        committee.validate_members([P.CHAIR] + [P.MEMBER] * 9)
    with pytest.raises(ValidationError):
        committee.validate_members([P.MEMBER] * 3)  # no chair
    committee.validate_members([P.CHAIR, P.VICE_CHAIR, P.MEMBER])
    mediation.west_centre.validate_members([])  # a centre is not a committee
    with pytest.raises(services.MediationInputError) as too_few:
        services.committee_members_set(organisation=committee, members=[
            {"name": "梁淑芬", "position": P.CHAIR}, {"name": "陈国强", "position": P.MEMBER}])
    assert too_few.value.field == "members"
    services.committee_members_set(organisation=committee, members=[
        {"name": "梁淑芬", "position": P.CHAIR}, {"name": "陈国强", "position": P.MEMBER},
        {"name": "何秀兰", "position": P.MEMBER}])
    assert committee.members.get(position=P.CHAIR).name == "梁淑芬"


def test_the_admin_refuses_a_committee_below_3_members(client, mediation, actors):
    committee = mediation.east_committee
    log_in_verified(client, actors.admin)
    form = {"unit": committee.pk, "kind": committee.kind, "speciality": "",
            "members-TOTAL_FORMS": "2", "members-INITIAL_FORMS": "0",
            "members-0-name": "梁淑芬", "members-0-position": "chair",
            "members-1-name": "陈国强", "members-1-position": "member"}
    response = client.post(f"/admin/mediation/mediationorganisation/{committee.pk}/change/", form)
    assert response.status_code == 200  # the form again, with its error
    assert not committee.members.exists()
    form |= {"members-TOTAL_FORMS": "3", "members-2-name": "何秀兰", "members-2-position": "member"}
    response = client.post(f"/admin/mediation/mediationorganisation/{committee.pk}/change/", form)
    assert response.status_code == 302
    assert committee.members.count() == 3


def _pdf_text(content):
    return "".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages).replace(" ", "")


@time_machine.travel(MONDAY_9AM, tick=False)
def test_the_parties_and_courts_copies_carry_the_full_id_each_print_logged(client, make_case, mediation, api):
    mediator = mediation.committee_mediator
    case = make_case(S.AGREED)
    log_in_verified(client, mediator)
    masked = _pdf_text(client.get(f"/mediation/{case.pk}/agreement.pdf").content)
    assert "4419**********1234" in masked and "441900199001011234" not in masked
    assert not PartyReveal.objects.exists()
    for copy, title in (("parties", "当事人存执"), ("court", "人民法院存执")):
        text = _pdf_text(client.get(f"/mediation/{case.pk}/agreement.pdf", {"copy": copy}).content)
        assert "441900199001011234" in text and "44190019851231567X" in text and title in text
    assert PartyReveal.objects.filter(copy="parties").count() == PartyReveal.objects.filter(copy="court").count() == 2
    reveals = AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL, result=AuditEvent.Result.SUCCESS)
    assert reveals.count() == 4
    response = api(mediator).get(f"/api/v1/mediation/cases/{case.pk}/agreement.pdf", {"copy": "court"})
    assert response.status_code == 200 and "441900199001011234" in _pdf_text(response.content)
    assert api(mediator).get(f"/api/v1/mediation/cases/{case.pk}/agreement.pdf", {"copy": "x"}).status_code == 400
    assert client.get(f"/mediation/{case.pk}/agreement.pdf", {"copy": "x"}).status_code == 400


@time_machine.travel(MONDAY_9AM, tick=False)
def test_a_full_copy_is_for_the_cases_mediators_only(make_case, mediation, actors):
    case = make_case(S.AGREED)
    with pytest.raises(PermissionDenied):
        services.agreement_copy_identities(case=case, actor=actors.leader, copy="court")
    assert not PartyReveal.objects.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL, result=AuditEvent.Result.FAILURE).exists()
    assert "441900199001011234" not in _pdf_text(agreement_pdf(case))


def test_the_sweep_gives_an_escalated_court_entrusted_case_the_courts_clock(make_case, mediation):
    with time_machine.travel(FRIDAY_3PM, tick=False):
        entrusted = make_case(S.ACCEPTED, source=MediationCase.Source.COURT_ENTRUSTED)
        ordinary = make_case(S.ACCEPTED)
    late = datetime(2026, 12, 25, 15, 0, tzinfo=CST)  # a Friday afternoon, both deadlines passed
    overdue_cases_escalate(now=late)
    entrusted.refresh_from_db()
    ordinary.refresh_from_db()
    assert entrusted.organisation == ordinary.organisation == mediation.west_centre
    assert entrusted.due_at == datetime(2027, 1, 24, 15, 0, tzinfo=CST)  # 30 calendar days: a Sunday
    assert ordinary.due_at == time_limit_due(late) != entrusted.due_at  # the working-day month
