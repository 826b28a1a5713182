"""Writes of participation: registering (by oneself on a phone, or by community staff), confirming,
and forming teams. Each move of a registration goes through the shared engine (workflow.PARTICIPANTS)."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts.access import OUTSIDE_SCOPE, is_in_scope
from govportal import crypto
from govportal.masking import mask_phone
from govportal.workflow import ROLE_NOT_ALLOWED
from grids.models import Area
from incidents import verification

from .models import Participant, ParticipantEvent, Team
from .workflow import COMMUNITY_ROLES, PARTICIPANTS, ParticipationInputError

ALREADY_REGISTERED = _("This phone is already registered with this community.")
NOT_A_COMMUNITY = _("Choose a community.")
WORK_UNIT_REQUIRED = _("An in-service party member gives the work unit they belong to.")
WORK_UNIT_ONLY_FOR_PARTY_MEMBERS = _("Only in-service party members give a work unit.")
NOT_CONFIRMED_HERE = _("%(name)s is not a confirmed participant of this community.")
TEAM_NAME_TAKEN = _("This community already has a team of this name.")


def _check_registration(*, community, kind, work_unit):
    if community.level != Area.Level.COMMUNITY:
        raise ParticipationInputError(NOT_A_COMMUNITY, "community")
    if kind == Participant.Kind.PARTY_MEMBER and not work_unit.strip():
        raise ParticipationInputError(WORK_UNIT_REQUIRED, "work_unit")
    if kind != Participant.Kind.PARTY_MEMBER and work_unit.strip():
        raise ParticipationInputError(WORK_UNIT_ONLY_FOR_PARTY_MEMBERS, "work_unit")


def _participant_create(*, community, kind, name, phone, work_unit, skills, status, action, actor):
    """Create the participant and its first event; ALREADY_REGISTERED if the phone is known to the community."""
    try:
        with transaction.atomic():
            participant = Participant.objects.create(
                community=community, kind=kind, name=name.strip(), work_unit=work_unit.strip(), skills=skills.strip(),
                status=status, entered_by=actor, **crypto.sealed("phone", phone, mask=mask_phone, indexed=True))
            ParticipantEvent.objects.create(participant=participant, action=action, to_status=status, actor=actor)
    except IntegrityError:
        raise ParticipationInputError(ALREADY_REGISTERED, "phone") from None
    return participant


def participant_register(*, community, kind, name, phone, code, key, work_unit="", skills=""):
    """Register oneself with `community` on a phone proved by its SMS `code`; the community confirms later.

    `key` names this registration form (its idempotency key): the code belongs to it once used.
    """
    _check_registration(community=community, kind=kind, work_unit=work_unit)
    verification.phone_code_use(phone=phone, code=code, report=key)
    return _participant_create(community=community, kind=kind, name=name, phone=phone, work_unit=work_unit,
                               skills=skills, status=Participant.Status.PENDING, action="register", actor=None)


def participant_enter(*, actor, community, kind, name, phone, work_unit="", skills=""):
    """Enter a participant as community staff: the community vouches for them, so they start confirmed."""
    if not actor.is_superuser and actor.role not in COMMUNITY_ROLES:
        raise PermissionDenied(ROLE_NOT_ALLOWED)
    if not is_in_scope(actor, community.code):
        raise PermissionDenied(OUTSIDE_SCOPE)
    _check_registration(community=community, kind=kind, work_unit=work_unit)
    return _participant_create(community=community, kind=kind, name=name, phone=phone, work_unit=work_unit,
                               skills=skills, status=Participant.Status.CONFIRMED, action="enter", actor=actor)


def participant_confirm(*, participant_id, actor):
    """Confirm a registration: the person may take the community's tasks from now on."""
    return PARTICIPANTS.apply(participant_id, "confirm", actor=actor)


def participant_reject(*, participant_id, actor, reason=""):
    """Refuse a registration, saying why (the person is told on their page)."""
    PARTICIPANTS.require_reason(reason)
    return PARTICIPANTS.apply(participant_id, "reject", actor=actor, reason=reason)


ACTION_SERVICES = {"confirm": participant_confirm, "reject": participant_reject}


def team_create(*, actor, community, kind, name, leader, members=()):
    """Form a team of `community` led by `leader`; the leader and every member are confirmed participants there."""
    if not actor.is_superuser and actor.role not in COMMUNITY_ROLES:
        raise PermissionDenied(ROLE_NOT_ALLOWED)
    if not is_in_scope(actor, community.code):
        raise PermissionDenied(OUTSIDE_SCOPE)
    people = {leader, *members}
    for person in people:
        if person.community_id != community.pk or person.status != Participant.Status.CONFIRMED:
            field = "leader" if person == leader else "members"
            raise ParticipationInputError(NOT_CONFIRMED_HERE % {"name": person.name}, field)
    try:
        with transaction.atomic():
            team = Team.objects.create(community=community, kind=kind, name=name.strip(), leader=leader)
            team.members.set(people)
    except IntegrityError:
        raise ParticipationInputError(TEAM_NAME_TAKEN, "name") from None
    return team
