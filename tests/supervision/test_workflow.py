"""A milestone's course: responsible units report, the lead unit submits, the office accepts or returns."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from accounts.access import OUTSIDE_SCOPE
from govportal.workflow import REASON_REQUIRED, ROLE_NOT_ALLOWED, TransitionNotAllowed
from supervision import services
from supervision.models import Milestone
from supervision.workflow import (
    MILESTONES, NOT_LEAD, NOT_OFFICE, NOT_RESPONSIBLE, NOTHING_REPORTED, SupervisionInputError,
)

S = Milestone.Status


def _report(milestone, actor, text="已完成摸排", figure=None):
    return services.milestone_report(milestone_id=milestone.pk, actor=actor, text=text, figure=figure)


def test_report_submit_accept_writes_an_event_for_every_change(milestone, actors):
    _report(milestone, actors.community_staff, figure=Decimal(40))
    _report(milestone, actors.department_handler, "城管局完成", Decimal(30))
    services.milestone_submit(milestone_id=milestone.pk, actor=actors.department_handler, summary="合计完成70个",
                              figure=Decimal(70))
    done = services.milestone_accept(milestone_id=milestone.pk, actor=actors.leader)
    assert done.status == S.ACCEPTED and done.figure == 70 and done.accepted_at is not None
    assert list(done.events.values_list("action", "from_status", "to_status", "unit")) == [
        ("create", "", S.OPEN, None),
        ("report", S.OPEN, S.OPEN, actors.community_staff.unit_id),
        ("report", S.OPEN, S.OPEN, actors.department_handler.unit_id),
        ("submit", S.OPEN, S.SUBMITTED, actors.department_handler.unit_id),
        ("accept", S.SUBMITTED, S.ACCEPTED, actors.leader.unit_id),
    ]
    assert list(done.reports.values_list("unit", "figure")) == [
        (actors.community_staff.unit_id, 40), (actors.department_handler.unit_id, 30)]


def test_a_returned_report_carries_its_reason_and_is_reported_again(milestone, actors):
    _report(milestone, actors.community_staff)
    services.milestone_submit(milestone_id=milestone.pk, actor=actors.department_handler, summary="完成", figure=10)
    with pytest.raises(SupervisionInputError, match=str(REASON_REQUIRED)):
        services.milestone_return(milestone_id=milestone.pk, actor=actors.leader, reason="  ")
    returned = services.milestone_return(milestone_id=milestone.pk, actor=actors.leader, reason="数据无佐证")
    assert returned.status == S.RETURNED and returned.events.last().reason == "数据无佐证"
    _report(milestone, actors.community_staff, "补充台账")
    again = services.milestone_submit(milestone_id=milestone.pk, actor=actors.department_handler, summary="补报",
                                      figure=60)
    assert again.status == S.SUBMITTED


def test_the_lead_unit_submits_only_after_a_report(milestone, actors):
    with pytest.raises(TransitionNotAllowed, match=str(NOTHING_REPORTED)):
        services.milestone_submit(milestone_id=milestone.pk, actor=actors.department_handler, summary="x", figure=1)


def test_a_number_target_needs_the_figure_reached(milestone, actors):
    _report(milestone, actors.community_staff)
    with pytest.raises(SupervisionInputError) as refused:
        services.milestone_submit(milestone_id=milestone.pk, actor=actors.department_handler, summary="完成")
    assert refused.value.field == "figure"
    assert Milestone.objects.get(pk=milestone.pk).status == S.OPEN


@pytest.mark.parametrize(("who", "move", "refusal"), [
    ("outsider", "report", OUTSIDE_SCOPE),
    ("grid_worker", "report", ROLE_NOT_ALLOWED),
    ("street_coordinator", "report", NOT_RESPONSIBLE),
    ("community_staff", "submit", NOT_LEAD),
    ("department_handler", "accept", ROLE_NOT_ALLOWED),
    ("street_coordinator", "accept", None),  # of the office: allowed
])
def test_each_move_is_refused_to_whoever_is_not_its_party(milestone, actors, who, move, refusal):
    if move == "accept":
        _report(milestone, actors.community_staff)
        services.milestone_submit(milestone_id=milestone.pk, actor=actors.department_handler, summary="完成",
                                  figure=1)
        milestone.refresh_from_db()
    user = getattr(actors, who)
    transition = MILESTONES.transitions[move]
    if refusal is None:
        assert MILESTONES.may(milestone, user, transition)
        return
    with pytest.raises(PermissionDenied, match=str(refusal)):
        MILESTONES.check_actor(milestone, user, transition)
    assert move not in MILESTONES.allowed_actions(milestone, user)


def test_the_office_is_the_programmes_own(milestone, actors, tree):
    from tests.factories import UserFactory

    elsewhere = UserFactory(role="leader", unit=actors.outsider.unit)
    assert MILESTONES.party_refusal(milestone, elsewhere, "office") == NOT_OFFICE
