import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from govportal.errors import DomainConflict
from incidents import services as ticket_services
from incidents.models import Ticket
from mediation import services
from mediation.models import CaseEvent, CaseNumberCounter, MediationCase
from mediation.selectors import referable_tickets

from .conftest import APPLICANT, RESPONDENT

T = Ticket.Status


@pytest.fixture
def dispute_ticket(report, actors, mediation):
    """An accepted neighbours' dispute (邻里纠纷) in the west community, held by its committee."""
    ticket = report("0801")
    return ticket_services.ticket_accept(ticket_id=ticket.pk, actor=actors.community_staff)


def refer(ticket, actor):
    return services.case_refer_from_ticket(ticket_id=ticket.pk, actor=actor)


def mediate(case, mediation):
    """Take a referred case to mediation: both parties, accepted, a mediator assigned."""
    actor = mediation.committee_mediator
    for party in (APPLICANT, RESPONDENT):
        services.party_add(case_id=case.pk, actor=actor, **party)
    services.case_accept(case_id=case.pk, actor=actor)
    services.case_assign(case_id=case.pk, actor=actor, mediators=[mediation.west_committee_mediator])


def test_one_click_refers_the_ticket_to_the_committee_of_its_place(dispute_ticket, actors, mediation):
    assert list(referable_tickets(user=actors.community_staff)) == [dispute_ticket]
    case = refer(dispute_ticket, actors.community_staff)
    assert (case.organisation, case.source, case.dispute_type, case.facts) == (
        mediation.west_committee, "work_order", "neighbours", dispute_ticket.description)
    assert case.events.get().actor == actors.community_staff
    ticket = Ticket.objects.get(pk=dispute_ticket.pk)
    assert (ticket.status, ticket.due_at) == (T.SUSPENDED, None)  # its clock stops while mediation runs
    assert case.number in ticket.events.last().reason
    assert list(referable_tickets(user=actors.community_staff)) == []
    with pytest.raises(DomainConflict, match=re.escape(str(services.ALREADY_REFERRED))):
        refer(dispute_ticket, actors.community_staff)


def test_the_ticket_is_handled_with_the_agreement(dispute_ticket, actors, mediation):
    case = refer(dispute_ticket, actors.community_staff)
    actor = mediation.committee_mediator
    for party in (APPLICANT, RESPONDENT):
        services.party_add(case_id=case.pk, actor=actor, **party)
    services.case_accept(case_id=case.pk, actor=actor)
    services.case_assign(case_id=case.pk, actor=actor, mediators=[mediation.west_committee_mediator])
    services.case_conclude_agreement(case_id=case.pk, actor=actor, kind="written", obligations="李四赔偿3000元。",
                                     performance_manner="转账。", performance_deadline=date(2026, 12, 31))
    ticket = Ticket.objects.get(pk=dispute_ticket.pk)
    assert ticket.status == T.HANDLED
    assert case.number in ticket.feedback and "李四赔偿3000元。" in ticket.feedback
    assert ticket.due_kind == "verify"  # the community verifies as for any handled work order


def test_the_ticket_goes_back_to_its_unit_when_the_case_is_refused(dispute_ticket, actors, mediation):
    case = refer(dispute_ticket, actors.community_staff)
    services.case_refuse(case_id=case.pk, actor=mediation.committee_mediator, reason_code="court")
    ticket = Ticket.objects.get(pk=dispute_ticket.pk)
    assert (ticket.status, ticket.handling_unit) == (T.ACCEPTED, actors.community_staff.unit)
    assert ticket.due_at is not None


def test_failure_is_the_tickets_feedback(dispute_ticket, actors, mediation):
    case = refer(dispute_ticket, actors.community_staff)
    actor = mediation.committee_mediator
    for party in (APPLICANT, RESPONDENT):
        services.party_add(case_id=case.pk, actor=actor, **party)
    services.case_accept(case_id=case.pk, actor=actor)
    services.case_assign(case_id=case.pk, actor=actor, mediators=[mediation.west_committee_mediator])
    services.case_fail(case_id=case.pk, actor=actor, guidance="arbitration", reason="分歧过大")
    ticket = Ticket.objects.get(pk=dispute_ticket.pk)
    assert ticket.status == T.HANDLED
    assert str(MediationCase.Guidance.ARBITRATION.label) in ticket.feedback


def test_only_dispute_tickets_in_handling_by_someone_who_sees_them(report, dispute_ticket, actors, mediation):
    litter = ticket_services.ticket_accept(ticket_id=report("0102").pk, actor=actors.community_staff)
    with pytest.raises(services.MediationInputError, match=re.escape(str(services.NOT_A_DISPUTE))):
        refer(litter, actors.community_staff)
    with pytest.raises(Ticket.DoesNotExist):  # the east street does not see it
        refer(dispute_ticket, actors.outsider)
    with pytest.raises(PermissionDenied):
        refer(dispute_ticket, actors.grid_worker)
    fresh = report("0801")  # reported, not yet accepted
    with pytest.raises(DomainConflict, match=re.escape(str(services.NOT_REFERABLE))):
        refer(fresh, actors.community_staff)
    assert not MediationCase.objects.exists()


def test_a_ticket_that_may_not_be_suspended_is_refused_and_nothing_is_written(dispute_ticket, actors, mediation,
                                                                              api):
    ticket = ticket_services.ticket_suspend(ticket_id=dispute_ticket.pk, actor=actors.street_coordinator,
                                            reason="等待鉴定")
    events = ticket.events.count()
    assert list(referable_tickets(user=actors.community_staff)) == []
    with pytest.raises(DomainConflict, match=re.escape(str(services.NOT_REFERABLE))):
        refer(ticket, actors.community_staff)
    response = api(actors.community_staff).post("/api/v1/mediation/referrals/", {"ticket": ticket.pk}, format="json")
    assert response.status_code == 409
    # The case registered before incidents refused "suspend" is rolled back, its number included.
    assert not MediationCase.objects.exists() and not CaseEvent.objects.exists()
    assert not CaseNumberCounter.objects.exists()
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.events.count()) == (T.SUSPENDED, events)


def test_a_ticket_resumed_meanwhile_is_still_handled_with_the_outcome(dispute_ticket, actors, mediation):
    case = refer(dispute_ticket, actors.community_staff)
    ticket_services.ticket_resume(ticket_id=dispute_ticket.pk, actor=actors.street_coordinator)
    mediate(case, mediation)
    services.case_fail(case_id=case.pk, actor=mediation.committee_mediator, guidance="litigation", reason="分歧过大")
    ticket = Ticket.objects.get(pk=dispute_ticket.pk)
    assert ticket.status == T.HANDLED and case.number in ticket.feedback
    assert list(ticket.events.values_list("action", flat=True))[-2:] == ["resume", "handle"]


def test_a_ticket_moved_on_meanwhile_is_left_as_it_is(dispute_ticket, actors, mediation):
    case = refer(dispute_ticket, actors.community_staff)
    ticket_services.ticket_resume(ticket_id=dispute_ticket.pk, actor=actors.street_coordinator)
    ticket_services.ticket_handle(ticket_id=dispute_ticket.pk, actor=actors.community_staff, feedback="双方已自行和解。")
    mediate(case, mediation)
    case = services.case_fail(case_id=case.pk, actor=mediation.committee_mediator, guidance="litigation",
                              reason="分歧过大")
    assert case.status == MediationCase.Status.FAILED
    ticket = Ticket.objects.get(pk=dispute_ticket.pk)
    assert (ticket.status, ticket.feedback) == (T.HANDLED, "双方已自行和解。")
