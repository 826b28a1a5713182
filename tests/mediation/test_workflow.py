import re
from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import PROTECT, ProtectedError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.access import OUTSIDE_SCOPE
from mediation import services
from mediation.models import (
    CASE_IS_PERMANENT, REVEAL_IS_IMMUTABLE, REVEAL_IS_PERMANENT, Agreement, CaseEvent, FollowUpVisit, MediationCase,
    MediationSession, Party, PartyReveal,
)
from mediation.selectors import case_get, case_list, superior_organisation
from govportal.workflow import REASON_REQUIRED, ROLE_NOT_ALLOWED
from govportal.workflow import TransitionNotAllowed as CaseTransitionNotAllowed
from mediation.deadlines import time_limit_due
from mediation.workflow import CASES, NOT_OPEN_FOR_CONFIRMATION, NOT_YOUR_ORGANISATION, TRANSITIONS, UNSIGNED
from tests.factories import log_in_verified

from .conftest import APPLICANT, RESPONDENT

pytestmark = pytest.mark.dated

S = MediationCase.Status
CST = ZoneInfo("Asia/Shanghai")
MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=CST)


def says(message):
    return re.escape(str(message))


def actions_of(case):
    return list(case.events.values_list("action", flat=True))


@time_machine.travel(MONDAY_9AM, tick=False)
def test_register_numbers_the_case_and_stores_numbers_encrypted_and_masked(make_case, mediation):
    case = make_case()
    assert case.number == "TJ202611230001"
    assert (case.status, case.organisation) == (S.REGISTERED, mediation.west_committee)
    applicant = case.parties.get(role=Party.Role.APPLICANT)
    assert applicant.id_number_masked == "4419**********1234"
    assert applicant.phone_masked == "138****5678"
    assert "441900199001011234" not in applicant.id_number_encrypted
    assert "13812345678" not in applicant.phone_encrypted
    assert actions_of(case) == ["register"]
    assert case.events.get().actor == mediation.committee_mediator


def test_register_is_for_the_organisations_mediators(mediation, actors):
    with pytest.raises(PermissionDenied):
        services.case_register(actor=actors.community_staff, organisation=mediation.west_committee, source="walk_in",
                               dispute_type="neighbours", facts="…", parties=[APPLICANT, RESPONDENT])


def test_bad_id_number_is_refused_with_its_field(mediation):
    with pytest.raises(services.MediationInputError) as error:
        services.case_register(actor=mediation.committee_mediator, source="walk_in", dispute_type="neighbours",
                               facts="…", parties=[APPLICANT | {"id_number": "12345"}, RESPONDENT])
    assert error.value.field == "id_number"
    assert not MediationCase.objects.exists()


@time_machine.travel(MONDAY_9AM, tick=False)
def test_accept_starts_the_organisations_time_limit_in_working_days(make_case, mediation):
    case = services.case_accept(case_id=make_case().pk, actor=mediation.committee_mediator)
    assert case.status == S.ACCEPTED
    # 22 working days after Monday 23 November 2026 09:00 → Wednesday 23 December 09:00.
    assert case.due_at == datetime(2026, 12, 23, 9, 0, tzinfo=CST)


@time_machine.travel(MONDAY_9AM, tick=False)
def test_time_limit_and_extension_count_working_days(make_case, mediation):
    case = make_case(S.ACCEPTED)
    assert case.due_at == time_limit_due(MONDAY_9AM) == datetime(2026, 12, 23, 9, 0, tzinfo=CST)
    extended = services.case_extend(case_id=case.pk, actor=mediation.committee_mediator, days=5,
                                    parties_consent=True, reason="需要鉴定")
    # Five working days more from the deadline, not from now: Wednesday 23 → Wednesday 30 December.
    assert extended.due_at == datetime(2026, 12, 30, 9, 0, tzinfo=CST)


def test_accept_reads_the_parties_once(make_case, mediation):
    case = make_case()
    with CaptureQueriesContext(connection) as queries:
        services.case_accept(case_id=case.pk, actor=mediation.committee_mediator)
    assert sum('FROM "mediation_party"' in query["sql"] for query in queries) == 1


def test_no_mediation_when_a_party_clearly_refuses(make_case, mediation):
    case = make_case(parties=[APPLICANT, RESPONDENT | {"refuses_mediation": True}])
    with pytest.raises(services.MediationInputError, match=says(services.PARTY_REFUSES)):
        services.case_accept(case_id=case.pk, actor=mediation.committee_mediator)
    assert MediationCase.objects.get(pk=case.pk).status == S.REGISTERED


def test_accept_needs_both_sides(make_case, mediation):
    case = make_case(parties=[APPLICANT])
    with pytest.raises(services.MediationInputError, match=says(services.PARTIES_REQUIRED)):
        services.case_accept(case_id=case.pk, actor=mediation.committee_mediator)
    services.party_add(case_id=case.pk, actor=mediation.committee_mediator, **RESPONDENT)
    assert services.case_accept(case_id=case.pk, actor=mediation.committee_mediator).status == S.ACCEPTED
    assert actions_of(case) == ["register", "add_party", "accept"]


def test_refusal_needs_a_legal_reason_code(make_case, mediation):
    case = make_case()
    with pytest.raises(services.MediationInputError):
        services.case_refuse(case_id=case.pk, actor=mediation.committee_mediator, reason_code="busy")
    case = services.case_refuse(case_id=case.pk, actor=mediation.committee_mediator, reason_code="court",
                                reason="已由区人民法院立案受理")
    assert (case.status, case.refusal_reason) == (S.REFUSED, "court")
    assert case.events.last().reason_code == "court"


def test_assign_takes_own_mediators_or_experts_only(make_case, mediation):
    case = make_case(S.ACCEPTED)
    centre_mediator = mediation.centre_mediator.mediator
    with pytest.raises(services.MediationInputError):
        services.case_assign(case_id=case.pk, actor=mediation.committee_mediator, mediators=[centre_mediator])
    case = services.case_assign(case_id=case.pk, actor=mediation.committee_mediator,
                                mediators=[mediation.west_committee_mediator, mediation.expert])
    assert case.status == S.MEDIATING
    assert set(case.mediators.all()) == {mediation.west_committee_mediator, mediation.expert}


def test_sessions_are_recorded_while_mediating(make_case, mediation):
    actor = mediation.committee_mediator
    with pytest.raises(CaseTransitionNotAllowed):
        services.case_record_session(case_id=make_case(S.ACCEPTED).pk, actor=actor, held_at=MONDAY_9AM,
                                     place="调解室", attendees="张三、李四", record="…")
    case = make_case(S.MEDIATING)
    services.case_record_session(case_id=case.pk, actor=actor, held_at=MONDAY_9AM, place="西社区调解室",
                                 attendees="张三、李四、陈调解", record="双方陈述。")
    assert case.sessions.get().place == "西社区调解室"
    assert case.status == S.MEDIATING


def test_written_agreement_takes_effect_when_signed(make_case, mediation):
    actor = mediation.committee_mediator
    case = make_case(S.AGREED)
    assert (case.due_at, case.agreement.effective_on) == (None, None)
    assert case.concluded_at is not None
    with pytest.raises(services.MediationInputError, match=says(services.DATE_IN_FUTURE)):
        services.case_sign_agreement(case_id=case.pk, actor=actor, signed_on=timezone.localdate() + timedelta(days=1))
    services.case_sign_agreement(case_id=case.pk, actor=actor, signed_on=timezone.localdate())
    assert Agreement.objects.get(case=case).effective_on == timezone.localdate()
    with pytest.raises(CaseTransitionNotAllowed, match=says(UNSIGNED)):
        services.case_sign_agreement(case_id=case.pk, actor=actor, signed_on=timezone.localdate())


def test_oral_agreement_takes_effect_at_once(make_case, mediation):
    case = make_case(S.MEDIATING)
    case = services.case_conclude_agreement(
        case_id=case.pk, actor=mediation.committee_mediator, kind="oral", obligations="李四当场道歉。",
        performance_manner="当场履行。", performance_deadline=timezone.localdate())
    assert case.agreement.effective_on == timezone.localdate()


def test_failure_tells_the_parties_their_route(make_case, mediation):
    case = make_case(S.MEDIATING)
    with pytest.raises(services.MediationInputError):
        services.case_fail(case_id=case.pk, actor=mediation.committee_mediator, guidance="", reason="分歧过大")
    case = services.case_fail(case_id=case.pk, actor=mediation.committee_mediator, guidance="litigation",
                              reason="双方分歧过大")
    assert (case.status, case.guidance) == (S.FAILED, "litigation")
    assert case.concluded_at is not None


def test_judicial_confirmation_is_applied_for_jointly_within_30_days_to_the_districts_court(make_case, mediation):
    actor = mediation.committee_mediator
    with time_machine.travel(datetime(2026, 10, 1, 10, tzinfo=CST), tick=False):
        case = make_case(S.AGREED)
        with pytest.raises(CaseTransitionNotAllowed, match=says(NOT_OPEN_FOR_CONFIRMATION)):
            services.case_apply_confirmation(case_id=case.pk, actor=actor, applied_on=date(2026, 10, 1), joint=True)
        services.case_sign_agreement(case_id=case.pk, actor=actor, signed_on=date(2026, 10, 1))
    assert Agreement.objects.get(case=case).confirmation_deadline == date(2026, 10, 31)
    with time_machine.travel(datetime(2026, 10, 31, 10, tzinfo=CST), tick=False):
        with pytest.raises(services.MediationInputError, match=says(services.JOINT_APPLICATION_REQUIRED)):
            services.case_apply_confirmation(case_id=case.pk, actor=actor, applied_on=date(2026, 10, 31), joint=False)
        services.case_apply_confirmation(case_id=case.pk, actor=actor, applied_on=date(2026, 10, 31), joint=True)
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=CST), tick=False):
        with pytest.raises(services.MediationInputError, match=says(services.CONFIRMATION_NUMBER_REQUIRED)):
            services.case_decide_confirmation(case_id=case.pk, actor=actor, result="confirmed",
                                              decided_on=date(2026, 11, 2))
        services.case_decide_confirmation(case_id=case.pk, actor=actor, result="confirmed",
                                          decided_on=date(2026, 11, 2), number="（2026）粤1901民特123号")
    agreement = Agreement.objects.get(case=case)
    assert agreement.confirmation_court == "测试区人民法院"  # the district where the committee sits
    assert (agreement.confirmation, agreement.confirmation_number) == ("confirmed", "（2026）粤1901民特123号")
    events = list(case.events.values_list("action", "reason_code", "reason"))
    assert events[-2:] == [("apply_confirmation", "", "测试区人民法院"),
                           ("decide_confirmation", "confirmed", "（2026）粤1901民特123号")]


def test_judicial_confirmation_is_refused_after_the_30_days(make_case, mediation):
    actor = mediation.committee_mediator
    with time_machine.travel(datetime(2026, 10, 1, 10, tzinfo=CST), tick=False):
        case = make_case(S.AGREED)
        services.case_sign_agreement(case_id=case.pk, actor=actor, signed_on=date(2026, 10, 1))
    with time_machine.travel(datetime(2026, 10, 31, 10, tzinfo=CST), tick=False):
        with pytest.raises(services.MediationInputError) as late:
            services.case_apply_confirmation(case_id=case.pk, actor=actor, applied_on=date(2026, 11, 1), joint=True)
        assert late.value.field == "applied_on"
    with time_machine.travel(datetime(2026, 11, 1, 10, tzinfo=CST), tick=False):
        assert "apply_confirmation" not in CASES.allowed_actions(case, actor)
        with pytest.raises(CaseTransitionNotAllowed, match=says(NOT_OPEN_FOR_CONFIRMATION)):
            services.case_apply_confirmation(case_id=case.pk, actor=actor, applied_on=date(2026, 11, 1), joint=True)


@time_machine.travel(MONDAY_9AM, tick=False)
def test_judicial_confirmation_refused_tells_the_parties_their_route(make_case, mediation):
    actor = mediation.committee_mediator
    case = make_case(S.AGREED)
    services.case_sign_agreement(case_id=case.pk, actor=actor, signed_on=MONDAY_9AM.date())
    services.case_apply_confirmation(case_id=case.pk, actor=actor, applied_on=MONDAY_9AM.date(), joint=True)
    with pytest.raises(services.MediationInputError, match=says(services.ROUTE_REQUIRED)) as no_route:
        services.case_decide_confirmation(case_id=case.pk, actor=actor, result="refused", decided_on=MONDAY_9AM.date())
    assert no_route.value.field == "route"
    services.case_decide_confirmation(case_id=case.pk, actor=actor, result="refused", decided_on=MONDAY_9AM.date(),
                                      route=Agreement.Route.MEDIATION)
    agreement = Agreement.objects.get(case=case)
    assert (agreement.confirmation, agreement.confirmation_route) == ("refused", "mediation")
    assert case.events.last().reason_code == "refused" and case.events.last().reason == "mediation"
    assert "decide_confirmation" not in CASES.allowed_actions(case, actor)


def test_follow_up_records_performance(make_case, mediation):
    case = make_case(S.AGREED)
    services.case_sign_agreement(case_id=case.pk, actor=mediation.committee_mediator, signed_on=timezone.localdate())
    with pytest.raises(services.MediationInputError):
        services.case_follow_up(case_id=case.pk, actor=mediation.committee_mediator, visited_on=timezone.localdate(),
                                performance="pending")
    services.case_follow_up(case_id=case.pk, actor=mediation.committee_mediator, visited_on=timezone.localdate(),
                            performance="performed", note="已全额支付")
    assert Agreement.objects.get(case=case).performance == "performed"
    assert case.follow_ups.get().visited_by == mediation.committee_mediator


def test_escalation_follows_the_units_chain_up_to_the_district(make_case, mediation):
    case = make_case(S.ACCEPTED)
    with pytest.raises(services.MediationInputError, match=says(REASON_REQUIRED)):
        services.case_escalate(case_id=case.pk, actor=mediation.committee_mediator, reason=" ")
    case = services.case_escalate(case_id=case.pk, actor=mediation.committee_mediator, reason="涉及多户")
    assert case.organisation == mediation.west_centre
    case = services.case_escalate(case_id=case.pk, actor=mediation.centre_mediator, reason="跨街道")
    assert case.organisation == mediation.district_centre
    with pytest.raises(services.MediationInputError, match=says(services.NO_SUPERIOR)):
        services.case_escalate(case_id=case.pk, actor=mediation.district_mediator, reason="…")
    assert list(case.events.filter(action="escalate").values_list("organisation", flat=True)) == [
        mediation.west_centre.pk, mediation.district_centre.pk]


def test_flagged_case_goes_up_one_level_at_once(make_case, mediation):
    case = make_case(S.MEDIATING)
    case = services.case_flag_risk(case_id=case.pk, actor=mediation.committee_mediator, note="一方扬言报复")
    assert (case.high_risk, case.organisation, case.status) == (True, mediation.west_centre, S.MEDIATING)
    event = case.events.last()
    assert (event.action, event.organisation, event.actor) == (
        "flag_risk", mediation.west_centre, mediation.committee_mediator)
    assert case in case_list(user=mediation.centre_mediator)
    # The committee's assigned mediator keeps working on it; flagging twice is refused.
    assert "record_session" in CASES.allowed_actions(case, mediation.committee_mediator)
    with pytest.raises(services.MediationInputError, match=says(services.ALREADY_HIGH_RISK)):
        services.case_flag_risk(case_id=case.pk, actor=mediation.centre_mediator, note="…")


def test_flagging_looks_the_superior_up_once_and_keeps_a_case_at_the_top(make_case, mediation):
    case = make_case(S.ACCEPTED)
    with mock.patch.object(services, "superior_organisation", wraps=superior_organisation) as lookup:
        services.case_flag_risk(case_id=case.pk, actor=mediation.committee_mediator, note="一方扬言报复")
    assert lookup.call_count == 1
    assert MediationCase.objects.get(pk=case.pk).organisation == mediation.west_centre
    top = make_case(actor=mediation.district_mediator)
    top = services.case_flag_risk(case_id=top.pk, actor=mediation.district_mediator, note="一方扬言报复")
    assert (top.organisation, top.high_risk) == (mediation.district_centre, True)


def test_case_flagged_at_registration_is_registered_one_level_up(mediation):
    case = services.case_register(
        actor=mediation.committee_mediator, source="police", dispute_type="neighbours", facts="两户因停车斗殴",
        parties=[APPLICANT, RESPONDENT], high_risk=True, risk_note="已发生肢体冲突")
    assert (case.organisation, case.high_risk, case.status) == (mediation.west_centre, True, S.REGISTERED)
    assert actions_of(case) == ["register", "flag_risk"]
    assert case in case_list(user=mediation.centre_mediator)


def test_outsider_and_other_roles_are_refused(make_case, mediation, actors):
    case = make_case()
    with pytest.raises(PermissionDenied, match=says(OUTSIDE_SCOPE)):
        services.case_accept(case_id=case.pk, actor=mediation.outsider)
    with pytest.raises(MediationCase.DoesNotExist):  # outside their scope, as if there were none
        case_get(user=mediation.outsider, case_id=case.pk)
    with pytest.raises(PermissionDenied, match=says(ROLE_NOT_ALLOWED)):
        services.case_accept(case_id=case.pk, actor=actors.leader)
    assert MediationCase.objects.get(pk=case.pk).status == S.REGISTERED


def test_assigned_mediator_may_not_act_for_the_organisation_above(make_case, mediation):
    case = make_case(S.MEDIATING)
    services.case_escalate(case_id=case.pk, actor=mediation.committee_mediator, reason="涉及多户")
    with pytest.raises(PermissionDenied, match=says(NOT_YOUR_ORGANISATION)):
        services.case_escalate(case_id=case.pk, actor=mediation.committee_mediator, reason="…")


def test_who_sees_a_case(make_case, mediation, actors):
    case = make_case()
    assert case in case_list(user=mediation.committee_mediator)
    assert case in case_list(user=actors.leader)  # the west street's leader: the case's area
    assert case in case_list(user=actors.admin)
    for user in (mediation.outsider, mediation.centre_mediator, actors.community_staff, actors.outsider):
        assert case not in case_list(user=user)


# Minimal valid input for every action, so that only the state can make it refused.
ACTION_INPUT = {
    "add_party": RESPONDENT, "accept": {}, "refuse": {"reason_code": "court"},
    "assign": {"mediators": None}, "record_session": {"held_at": MONDAY_9AM, "place": "p", "attendees": "a",
                                                      "record": "r"},
    "extend": {"days": 5, "parties_consent": True, "reason": "r"}, "escalate": {"reason": "r"},
    "flag_risk": {"note": "n"},
    "conclude_agreement": {"kind": "oral", "obligations": "o", "performance_manner": "m",
                           "performance_deadline": date(2026, 12, 31)},
    "fail": {"guidance": "litigation", "reason": "r"}, "sign_agreement": {"signed_on": MONDAY_9AM.date()},
    "apply_confirmation": {"applied_on": MONDAY_9AM.date(), "joint": True},
    "decide_confirmation": {"result": "refused", "decided_on": MONDAY_9AM.date(), "route": "litigation"},
    "follow_up": {"visited_on": MONDAY_9AM.date(), "performance": "performed"}, "archive": {},
}
REACHABLE = (S.REGISTERED, S.ACCEPTED, S.MEDIATING, S.AGREED)


@pytest.mark.parametrize("action", sorted(services.ACTION_SERVICES))
def test_every_action_is_refused_from_a_state_it_does_not_start_from(action, make_case, mediation):
    assert set(ACTION_INPUT) == set(services.ACTION_SERVICES)
    state = next(status for status in REACHABLE if status not in TRANSITIONS[action].sources)
    case = make_case(state)
    values = dict(ACTION_INPUT[action])
    if "mediators" in values:
        values["mediators"] = [mediation.west_committee_mediator]
    before = case.events.count()
    with pytest.raises(CaseTransitionNotAllowed):
        services.ACTION_SERVICES[action](case_id=case.pk, actor=mediation.committee_mediator, **values)
    assert case.events.count() == before


def test_allowed_actions_follow_the_table(make_case, mediation):
    case = make_case(S.ACCEPTED)
    assert CASES.allowed_actions(case, mediation.committee_mediator) == [
        "add_party", "assign", "extend", "escalate", "flag_risk"]
    assert CASES.allowed_actions(case, mediation.outsider) == []


def test_extension_needs_both_parties_consent(make_case, mediation):
    case = make_case(S.ACCEPTED)
    with pytest.raises(services.MediationInputError, match=says(services.CONSENT_REQUIRED)):
        services.case_extend(case_id=case.pk, actor=mediation.committee_mediator, days=10,
                             parties_consent=False, reason="需要鉴定")
    extended = services.case_extend(case_id=case.pk, actor=mediation.committee_mediator, days=10,
                                    parties_consent=True, reason="需要鉴定")
    assert extended.due_at > case.due_at


def test_reveal_is_logged_and_for_the_cases_mediators_only(make_case, mediation, actors):
    party = make_case().parties.get(role=Party.Role.APPLICANT)
    assert services.party_reveal(party_id=party.pk, actor=mediation.committee_mediator,
                                 field="id_number") == "441900199001011234"
    assert services.party_reveal(party_id=party.pk, actor=mediation.committee_mediator, field="phone") == "13812345678"
    with pytest.raises(PermissionDenied):  # sees the case of their area, does not work on it
        services.party_reveal(party_id=party.pk, actor=actors.leader, field="id_number")
    with pytest.raises(Party.DoesNotExist):  # does not see the case at all
        services.party_reveal(party_id=party.pk, actor=mediation.outsider, field="id_number")
    assert list(PartyReveal.objects.values_list("actor", "field").order_by("id")) == [
        (mediation.committee_mediator.pk, "id_number"), (mediation.committee_mediator.pk, "phone")]


def test_events_are_immutable(make_case):
    event = make_case().events.get()
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    assert CaseEvent.objects.count() == 1


def test_reveals_are_never_changed_nor_deleted_and_keep_their_party(make_case, mediation):
    case = make_case()
    party = case.parties.get(role=Party.Role.APPLICANT)
    services.party_reveal(party_id=party.pk, actor=mediation.committee_mediator, field="phone")
    reveal = PartyReveal.objects.get()
    with pytest.raises(ValidationError, match=says(REVEAL_IS_IMMUTABLE)):
        reveal.save()
    with pytest.raises(ValidationError, match=says(REVEAL_IS_PERMANENT)):
        reveal.delete()
    with pytest.raises(ProtectedError):
        party.delete()
    with pytest.raises(ProtectedError):
        case.delete()
    assert PartyReveal.objects.get().party == party


def test_a_case_is_never_deleted_one_by_one_in_bulk_or_in_the_admin(make_case, actors, client):
    case = make_case(S.AGREED)
    for delete in (case.delete, MediationCase.objects.filter(pk=case.pk).delete):
        with pytest.raises(ProtectedError) as refused:
            delete()
        assert refused.value.args[0] == str(CASE_IS_PERMANENT)
    log_in_verified(client, actors.admin)  # the admin site asks administrators for their second factor
    assert client.get(f"/admin/mediation/mediationcase/{case.pk}/delete/").status_code == 403
    assert MediationCase.objects.filter(pk=case.pk).exists() and case.parties.count() == 2
    for model in (CaseEvent, Party, MediationSession, Agreement, FollowUpVisit):
        assert model._meta.get_field("case").remote_field.on_delete is PROTECT, model
