"""People (报到): registering on a phone with an SMS code or by community staff, confirmation by the
community through the shared engine, scope, sealed numbers, and teams."""

import pytest
from django.core.exceptions import PermissionDenied

from govportal.crypto import blind_index, decrypt
from govportal.errors import DomainInputError
from govportal.workflow import ROLE_NOT_ALLOWED, TransitionNotAllowed
from incidents import verification
from participation import services
from participation.models import Participant, ParticipantEvent, Team
from participation.workflow import PARTICIPANTS, ParticipationInputError

from .conftest import PHONE

pytestmark = pytest.mark.django_db


def register(tree, sms, *, phone=PHONE, key="participation:form-1", **fields):
    verification.phone_code_send(phone=phone, address="203.0.113.5")
    values = {"community": tree.west_community, "kind": Participant.Kind.VOLUNTEER, "name": "陈志愿", **fields}
    return services.participant_register(phone=phone, code=sms(), key=key, **values)


def test_a_resident_registers_on_their_phone_and_waits_for_the_community(tree, sms):
    participant = register(tree, sms)
    assert participant.status == Participant.Status.PENDING and participant.entered_by is None
    assert participant.phone_masked == "138****1111"
    assert decrypt(participant.phone_encrypted) == PHONE and participant.phone_hash == blind_index(PHONE)
    assert PHONE not in participant.phone_encrypted
    event = participant.events.get()
    assert (event.action, event.to_status, event.actor) == ("register", "pending", None)


def test_a_wrong_code_registers_nobody(tree, sms):
    verification.phone_code_send(phone=PHONE, address="203.0.113.5")
    wrong = f"{(int(sms()) + 1) % 1_000_000:06d}"
    with pytest.raises(DomainInputError) as refused:
        services.participant_register(community=tree.west_community, kind="volunteer", name="陈", phone=PHONE,
                                      code=wrong, key="participation:k")
    assert refused.value.field == "code" and not Participant.objects.exists()


def test_one_registration_per_phone_and_community(actors, tree, sms):
    register(tree, sms)
    with pytest.raises(ParticipationInputError, match=str(services.ALREADY_REGISTERED)):
        services.participant_enter(actor=actors.community_staff, community=tree.west_community, kind="volunteer",
                                   name="陈志愿", phone=PHONE)
    services.participant_enter(actor=actors.admin, community=tree.east_community, kind="volunteer",
                               name="陈志愿", phone=PHONE)  # another community: another registration


@pytest.mark.parametrize("kind, work_unit, field", [
    ("party_member", "", "work_unit"), ("volunteer", "市税务局", "work_unit"),
])
def test_only_party_members_and_every_party_member_give_a_work_unit(actors, tree, kind, work_unit, field):
    with pytest.raises(ParticipationInputError) as refused:
        services.participant_enter(actor=actors.community_staff, community=tree.west_community, kind=kind,
                                   name="赵党员", phone=PHONE, work_unit=work_unit)
    assert refused.value.field == field


def test_the_community_confirms_or_refuses_with_a_reason(actors, tree, sms):
    first = register(tree, sms)
    second = register(tree, sms, phone="13800002222", key="participation:form-2")
    services.participant_confirm(participant_id=first.pk, actor=actors.community_staff)
    with pytest.raises(ParticipationInputError):
        services.participant_reject(participant_id=second.pk, actor=actors.community_staff, reason=" ")
    services.participant_reject(participant_id=second.pk, actor=actors.community_staff, reason="不在本社区居住")
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, second.status) == (Participant.Status.CONFIRMED, Participant.Status.REJECTED)
    assert list(ParticipantEvent.objects.filter(participant=second).values_list("action", "reason")) == [
        ("register", ""), ("reject", "不在本社区居住")]
    with pytest.raises(TransitionNotAllowed):
        services.participant_confirm(participant_id=second.pk, actor=actors.community_staff)


@pytest.mark.parametrize("who", ["outsider", "grid_worker", "department_handler"])
def test_only_the_communitys_own_staff_confirm(actors, tree, sms, who):
    participant = register(tree, sms)
    with pytest.raises(PermissionDenied):
        services.participant_confirm(participant_id=participant.pk, actor=getattr(actors, who))
    assert PARTICIPANTS.allowed_actions(participant, getattr(actors, who)) == []
    assert PARTICIPANTS.allowed_actions(participant, actors.community_staff) == ["confirm", "reject"]


def test_staff_enter_confirmed_participants_only_in_their_scope_and_role(actors, tree):
    entered = services.participant_enter(actor=actors.community_staff, community=tree.west_community,
                                         kind="party_member", name="赵党员", phone=PHONE, work_unit="市税务局")
    assert entered.status == Participant.Status.CONFIRMED and entered.entered_by == actors.community_staff
    with pytest.raises(PermissionDenied):
        services.participant_enter(actor=actors.outsider, community=tree.west_community, kind="volunteer",
                                   name="钱", phone="13800003333")
    with pytest.raises(PermissionDenied, match=str(ROLE_NOT_ALLOWED)):
        services.participant_enter(actor=actors.grid_worker, community=tree.west_community, kind="volunteer",
                                   name="钱", phone="13800003333")


def test_a_team_has_a_leader_and_confirmed_members_of_its_community(actors, tree, enter):
    leader, member = enter("刘队长"), enter("孙队员")
    team = services.team_create(actor=actors.community_staff, community=tree.west_community,
                                kind=Team.Kind.PATROL, name="红袖章巡逻队", leader=leader, members=[member])
    assert set(team.members.all()) == {leader, member}
    stranger = enter("周东", community=tree.east_community)
    with pytest.raises(ParticipationInputError) as refused:
        services.team_create(actor=actors.community_staff, community=tree.west_community,
                             kind=Team.Kind.VOLUNTEER_TEAM, name="志愿服务队", leader=leader, members=[stranger])
    assert refused.value.field == "members"
    with pytest.raises(ParticipationInputError, match=str(services.TEAM_NAME_TAKEN)):
        services.team_create(actor=actors.community_staff, community=tree.west_community,
                             kind=Team.Kind.PATROL, name="红袖章巡逻队", leader=leader)
