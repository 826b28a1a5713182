"""Writes to mediation cases: registration, referral from a work order and one function per action.

Each `case_<action>` states what the action changes and enforces the People's Mediation Law's
rules with a domain error; the shared engine (`workflow.CASES`) does the locking, the state and
actor checks and the audit row for all of them.
"""

import re
from contextlib import suppress

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from govportal import crypto
from govportal.errors import DomainConflict
from govportal.masking import mask_id_number, mask_phone
from incidents import services as ticket_services
from incidents.selectors import ticket_get
from govportal.workflow import ROLE_NOT_ALLOWED, System, TransitionNotAllowed, numbers_reserve

from .deadlines import extended_due, time_limit_due
from .models import (
    CONFIRMATION_WINDOW, Agreement, ArchiveItem, ArchiveNumberCounter, CaseEvent, CaseNumberCounter, CommitteeMember, DisputeType,
    FollowUpVisit, MediationCase, MediationSession, Party, PartyReveal,
)
from .selectors import REFERRERS, jurisdiction_court, organisation_for_place, party_get, superior_organisation
from .workflow import CASES, REGISTRATION, MediationInputError, works_on_case

UNKNOWN_REASON = _("Unknown reason code.")
UNKNOWN_DISPUTE_TYPE = _("Unknown dispute type.")
UNKNOWN_AGREEMENT_KIND = _("Unknown kind of agreement.")
UNKNOWN_FIELD = _("Unknown field.")
NOT_A_MEDIATOR = _("Only a mediator of the organisation may register its cases.")
NO_ORGANISATION = _("Your account does not belong to a mediation organisation.")
NO_SUPERIOR = _("This organisation has no superior organisation to escalate to.")
NO_ORGANISATION_FOR_PLACE = _("No people's mediation organisation serves this place.")
PARTIES_REQUIRED = _("A case needs at least one applicant and one respondent.")
PARTY_REFUSES = _("A party clearly refuses mediation: the law allows no mediation then.")
BAD_ID_NUMBER = _("Enter an 18-character ID number or unified social credit code.")
BAD_PHONE = _("Enter a phone number of 7 to 15 digits.")
MEDIATOR_REQUIRED = _("Assign at least one mediator.")
MEDIATOR_NOT_AVAILABLE = _("%(name)s is neither a mediator of this organisation nor in the expert pool.")
CONSENT_REQUIRED = _("Mediation lasts longer than a month only with both parties' consent.")
ALREADY_HIGH_RISK = _("The case is already flagged as high risk.")
NOT_A_DISPUTE = _("Only work orders of a dispute category go to mediation.")
NOT_REFERABLE = _("Only a work order being handled can be referred to mediation.")
ALREADY_REFERRED = _("This work order has already been referred to mediation.")
DATE_IN_FUTURE = _("The date cannot be in the future.")
BEFORE_EFFECTIVE = _("The date cannot be before the agreement took effect.")
BEFORE_CONCLUSION = _("The parties cannot sign before the agreement was reached.")
VISIT_BEFORE_CONCLUSION = _("A follow-up visit cannot come before the agreement was reached.")
CONFIRMATION_WINDOW_PASSED = _(
    "Judicial confirmation must be applied for within 30 days of the agreement taking effect "
    "(last day: %(last_day)s)."
)
JOINT_APPLICATION_REQUIRED = _("Judicial confirmation is applied for by both parties jointly.")
ROUTE_REQUIRED = _("Tell the parties their route once the court refuses: back to mediation or to court.")
UNKNOWN_COPY = _("Unknown copy.")
CONFIRMATION_NUMBER_REQUIRED = _("A confirmed agreement needs the court's case number (调确字).")
UNKNOWN_RESULT = _("Unknown result.")
UNKNOWN_PERFORMANCE = _("Unknown performance.")
UNKNOWN_GUIDANCE = _("Tell the parties their route: litigation, arbitration or administrative handling.")
AGREED_FEEDBACK = _("People's mediation case %(number)s: agreement reached. %(obligations)s")
FAILED_FEEDBACK = _("People's mediation case %(number)s failed; the parties were told to seek %(route)s.")
REFERRED = _("Referred to people's mediation as case %(number)s by %(user)s.")
REVEAL_NOT_ALLOWED = _("Only the case's mediators may see a party's full numbers.")
NOTHING_TO_REVEAL = _("No number was recorded.")

# Work-order categories of disputes (incidents/catalogue.py) → the statistics' dispute types.
DISPUTE_TYPE_BY_CATEGORY = {
    "0801": DisputeType.NEIGHBOURS, "0802": DisputeType.PROPERTY_MANAGEMENT, "0803": DisputeType.LABOUR,
    "0804": DisputeType.MARRIAGE_FAMILY,
}
_PERSON_ID = re.compile(r"^\d{17}[\dX]$")
_ORGANISATION_ID = re.compile(r"^[0-9A-Z]{18}$")
_PHONE = re.compile(r"^\+?\d{7,15}$")


# The system's actor on a work order referred to mediation: it suspends, resumes and handles it.
REFERRAL = System("mediation referral")


def _next_number(day):
    """Return the next case number of `day` (TJ202611230001 …)."""
    return numbers_reserve(CaseNumberCounter, prefix="TJ", day=day)[0]


def _start_clock(case, start):
    """Give the holding organisation the case's time limit from `start`."""
    case.due_at = time_limit_due(start, entrusted=case.is_court_entrusted)


def _move_up(case, superior):
    """Move the case to `superior`, its organisation's superior on the units' chain; restart a running clock."""
    case.organisation = superior
    if case.due_at is not None:
        _start_clock(case, timezone.now())


# --- Parties ---

def _party_build(case, *, role, name, kind=Party.Kind.PERSON, id_number="", phone="", address="",
                 refuses_mediation=False):
    id_number, phone = id_number.strip().upper(), phone.strip().replace(" ", "")
    pattern = _PERSON_ID if kind == Party.Kind.PERSON else _ORGANISATION_ID
    if id_number and not pattern.match(id_number):
        raise MediationInputError(BAD_ID_NUMBER, "id_number")
    if phone and not _PHONE.match(phone):
        raise MediationInputError(BAD_PHONE, "phone")
    return Party(
        case=case, role=role, kind=kind, name=name, address=address, refuses_mediation=refuses_mediation,
        **crypto.sealed("id_number", id_number, mask=mask_id_number), **crypto.sealed("phone", phone, mask=mask_phone),
    )


def party_add(*, case_id, actor, **party):
    """Add an applicant or respondent to an open case; return the case."""
    def change(case):
        _party_build(case, **party).save()

    return CASES.apply(case_id, "add_party", actor=actor, reason=party.get("name", ""), change=change)


def party_reveal(*, party_id, actor, field):
    """Return a party's full ID or phone number and log who saw it; only the case's mediators may.

    Party.DoesNotExist unless `actor` sees the party's case (404); PermissionDenied if they see it
    but do not work on it (403), recorded in the audit trail (a granted reveal goes there from its
    PartyReveal row).
    """
    party = party_get(user=actor, party_id=party_id)
    if field not in PartyReveal.Field.values:
        raise MediationInputError(UNKNOWN_FIELD, "field")
    if not works_on_case(party.case, actor):
        audit_record(action=AuditEvent.Action.REVEAL, result=AuditEvent.Result.FAILURE, actor=actor,
                     target=f"mediation.party:{party.pk}", details={"field": field, "case": party.case_id})
        raise PermissionDenied(REVEAL_NOT_ALLOWED)
    token = party.id_number_encrypted if field == PartyReveal.Field.ID_NUMBER else party.phone_encrypted
    if not token:
        raise MediationInputError(NOTHING_TO_REVEAL, "field")
    PartyReveal.objects.create(party=party, field=field, actor=actor)
    return crypto.decrypt(token)


# --- Registration and referral ---

def case_register(*, actor, source, dispute_type, facts, parties=(), organisation=None, points_in_dispute="",
                  amount_involved=None, high_risk=False, risk_note="", ticket=None):
    """Register a dispute at `organisation` (default: the actor's) and return the case.

    A case flagged high-risk at registration is registered one level up at once (防止民转刑).
    """
    if organisation is None:
        organisation = getattr(actor.unit, "mediation_organisation", None) if actor.unit_id else None
        if organisation is None:
            raise PermissionDenied(NO_ORGANISATION)
    if ticket is None and not actor.is_superuser and (
            actor.role != User.Role.MEDIATOR or actor.unit_id != organisation.pk):
        raise PermissionDenied(NOT_A_MEDIATOR)
    if dispute_type not in DisputeType.values:
        raise MediationInputError(UNKNOWN_DISPUTE_TYPE, "dispute_type")
    if high_risk:
        CASES.require_reason(risk_note, "risk_note")
    with transaction.atomic():
        case = MediationCase.objects.create(
            number=_next_number(timezone.localdate()), source=source, organisation=organisation,
            registered_by=actor, ticket=ticket, dispute_type=dispute_type, amount_involved=amount_involved,
            facts=facts, points_in_dispute=points_in_dispute,
        )
        Party.objects.bulk_create([_party_build(case, **party) for party in parties])
        CaseEvent.objects.create(case=case, action="register", to_status=case.status, actor=actor,
                                 organisation=organisation, reason_code=source)
        if high_risk:
            case_flag_risk(case_id=case.pk, actor=REGISTRATION, note=risk_note)
            case.refresh_from_db()
    return case


def case_refer_from_ticket(*, ticket_id, actor):
    """Refer a dispute work order to the mediation organisation of its place (one click).

    The work order follows the case: its clock stops now (suspended), and when the case ends it
    goes back to its unit (refused) or is handled with the outcome as feedback (agreement or failure).
    """
    ticket = ticket_get(user=actor, ticket_id=ticket_id)  # Ticket.DoesNotExist unless the actor sees it
    if actor.role not in REFERRERS and not actor.is_superuser:
        raise PermissionDenied(ROLE_NOT_ALLOWED)
    if not ticket.category.is_dispute:
        raise MediationInputError(NOT_A_DISPUTE, "ticket")
    if MediationCase.objects.filter(ticket_id=ticket.pk).exists():
        raise DomainConflict(ALREADY_REFERRED)
    organisation = organisation_for_place(area_code=ticket.area_code)
    if organisation is None:
        raise MediationInputError(NO_ORGANISATION_FOR_PLACE, "ticket")
    try:
        with transaction.atomic():
            case = case_register(
                actor=actor, organisation=organisation, source=MediationCase.Source.WORK_ORDER, ticket=ticket,
                dispute_type=DISPUTE_TYPE_BY_CATEGORY.get(ticket.category.code, DisputeType.OTHER),
                facts=ticket.description,
            )
            ticket_services.ticket_suspend(
                ticket_id=ticket.pk, actor=REFERRAL,
                reason=str(REFERRED % {"number": case.number, "user": actor}),
            )
    except IntegrityError:  # a concurrent click referred it first
        raise DomainConflict(ALREADY_REFERRED) from None
    except TransitionNotAllowed:  # incidents' "suspend" decides what is referable; the case is rolled back
        raise DomainConflict(NOT_REFERABLE) from None
    return case


def _ticket_follow(case, feedback=""):
    """Let a referred work order follow the case: resume it, and handle it with `feedback` if given.

    The incidents transitions decide: a step the work order's state no longer allows (someone
    resumed or moved it meanwhile) is skipped, so the case's outcome never fails because of it.
    """
    if case.ticket_id is None:
        return
    with suppress(TransitionNotAllowed):
        ticket_services.ticket_resume(ticket_id=case.ticket_id, actor=REFERRAL)
    if feedback:
        with suppress(TransitionNotAllowed):
            ticket_services.ticket_handle(ticket_id=case.ticket_id, actor=REFERRAL, feedback=feedback)


# --- The course of a case ---

def case_accept(*, case_id, actor):
    """Accept the dispute (受理); the organisation's time limit starts. Both sides must be willing."""
    def change(case):
        parties = list(case.parties.all())
        if {party.role for party in parties} != {Party.Role.APPLICANT, Party.Role.RESPONDENT}:
            raise MediationInputError(PARTIES_REQUIRED)
        if any(party.refuses_mediation for party in parties):
            raise MediationInputError(PARTY_REFUSES)
        case.accepted_at = timezone.now()
        _start_clock(case, case.accepted_at)

    return CASES.apply(case_id, "accept", actor=actor, change=change)


def case_refuse(*, case_id, actor, reason_code, reason=""):
    """Refuse the dispute with its legal reason, e.g. already before a court (art. 18)."""
    if reason_code not in MediationCase.RefusalReason.values:
        raise MediationInputError(UNKNOWN_REASON, "reason_code")

    def change(case):
        case.refusal_reason = reason_code
        case.concluded_at = timezone.now()
        _ticket_follow(case)

    return CASES.apply(case_id, "refuse", actor=actor, reason_code=reason_code, reason=reason, change=change)


def case_assign(*, case_id, actor, mediators):
    """Assign the case's mediators: the organisation's own, or experts from the pool (专家库)."""
    if not mediators:
        raise MediationInputError(MEDIATOR_REQUIRED, "mediators")

    def change(case):
        for mediator in mediators:
            if not mediator.is_active or not (mediator.organisation_id == case.organisation_id or mediator.is_expert):
                raise MediationInputError(MEDIATOR_NOT_AVAILABLE % {"name": mediator.name}, "mediators")
        case.mediators.set(mediators)

    return CASES.apply(case_id, "assign", actor=actor, reason=", ".join(m.name for m in mediators),
                       change=change)


def case_record_session(*, case_id, actor, held_at, place, attendees, record):
    """Record a mediation session (调解记录): part of the case archive (art. 27)."""
    def change(case):
        MediationSession.objects.create(case=case, held_at=held_at, place=place, attendees=attendees,
                                        record=record, recorded_by=actor)

    return CASES.apply(case_id, "record_session", actor=actor, change=change)


def case_extend(*, case_id, actor, days, parties_consent, reason):
    """Give the case more time, only with both parties' consent (deadlines.extended_due says how much)."""
    if not parties_consent:
        raise MediationInputError(CONSENT_REQUIRED, "parties_consent")
    CASES.require_reason(reason)

    def change(case):
        case.due_at = extended_due(case, days, timezone.now())

    return CASES.apply(case_id, "extend", actor=actor, reason=reason, change=change)


def case_escalate(*, case_id, actor, reason):
    """Pass the case up the chain (committee → street centre → district centre) with a reason."""
    CASES.require_reason(reason)

    def change(case):
        superior = superior_organisation(case.organisation)
        if superior is None:
            raise MediationInputError(NO_SUPERIOR)
        _move_up(case, superior)

    return CASES.apply(case_id, "escalate", actor=actor, reason=reason, change=change)


def case_flag_risk(*, case_id, actor, note):
    """Flag a dispute that may turn violent or collective: it goes up one level at once."""
    CASES.require_reason(note, "note")

    def change(case):
        if case.high_risk:
            raise MediationInputError(ALREADY_HIGH_RISK)
        case.high_risk, case.risk_note = True, note
        superior = superior_organisation(case.organisation)
        if superior is not None:
            _move_up(case, superior)

    return CASES.apply(case_id, "flag_risk", actor=actor, reason=note, change=change)


def _conclude(case):
    case.concluded_at = timezone.now()
    case.due_at = None


def case_conclude_agreement(*, case_id, actor, kind, obligations, performance_manner, performance_deadline,
                            responsibilities=""):
    """Record the agreement reached (art. 28–31); the referred work order is handled with it.

    A written agreement takes effect when the parties and the mediator sign it (case_sign_agreement);
    an oral one when the mediator records it, i.e. now.
    """
    if kind not in Agreement.Kind.values:
        raise MediationInputError(UNKNOWN_AGREEMENT_KIND, "kind")
    for field, value in (("obligations", obligations), ("performance_manner", performance_manner)):
        CASES.require_reason(value, field)

    def change(case):
        _conclude(case)
        Agreement.objects.create(
            case=case, kind=kind, obligations=obligations, performance_manner=performance_manner,
            performance_deadline=performance_deadline, responsibilities=responsibilities,
            effective_on=timezone.localdate() if kind == Agreement.Kind.ORAL else None,
        )
        _ticket_follow(case, str(AGREED_FEEDBACK % {"number": case.number, "obligations": obligations}))

    return CASES.apply(case_id, "conclude_agreement", actor=actor, reason_code=kind, change=change)


def case_fail(*, case_id, actor, guidance, reason):
    """End a failed mediation (调解不成), telling the parties their route (art. 26)."""
    if guidance not in MediationCase.Guidance.values:
        raise MediationInputError(UNKNOWN_GUIDANCE, "guidance")
    CASES.require_reason(reason)

    def change(case):
        _conclude(case)
        case.guidance, case.outcome_note = guidance, reason
        _ticket_follow(case, str(FAILED_FEEDBACK % {"number": case.number,
                                                    "route": MediationCase.Guidance(guidance).label}))

    return CASES.apply(case_id, "fail", actor=actor, reason_code=guidance, reason=reason, change=change)


def _check_date(value, field, *, not_before=None, before_message=BEFORE_EFFECTIVE):
    if value > timezone.localdate():
        raise MediationInputError(DATE_IN_FUTURE, field)
    if not_before is not None and value < not_before:
        raise MediationInputError(before_message, field)


def case_sign_agreement(*, case_id, actor, signed_on):
    """Record that the parties and the mediator signed the written agreement: it takes effect."""
    def change(case):
        agreement = case.agreement  # written and unsigned: workflow.SIGNABLE
        _check_date(signed_on, "signed_on", not_before=timezone.localdate(case.concluded_at),
                    before_message=BEFORE_CONCLUSION)
        agreement.effective_on = signed_on
        agreement.save(update_fields=["effective_on"])

    return CASES.apply(case_id, "sign_agreement", actor=actor, reason=signed_on.isoformat(), change=change)


def case_apply_confirmation(*, case_id, actor, applied_on, joint):
    """Record the parties' joint application for judicial confirmation (司法确认, art. 33) to the court
    with jurisdiction.

    Offered while the agreement is in effect and its 30-day window open (workflow.CONFIRMATION_OPEN);
    an application dated after the window is refused.
    """
    if not joint:
        raise MediationInputError(JOINT_APPLICATION_REQUIRED, "joint")

    def change(case):
        agreement = case.agreement
        _check_date(applied_on, "applied_on", not_before=agreement.effective_on)
        if applied_on > agreement.effective_on + CONFIRMATION_WINDOW:
            raise MediationInputError(CONFIRMATION_WINDOW_PASSED % {"last_day": agreement.confirmation_deadline},
                                      "applied_on")
        agreement.confirmation = Agreement.Confirmation.APPLIED
        agreement.confirmation_applied_on, agreement.confirmation_court = applied_on, court
        agreement.save(update_fields=["confirmation", "confirmation_applied_on", "confirmation_court"])

    court = jurisdiction_court(MediationCase.objects.select_related("organisation__unit__area").get(pk=case_id))
    return CASES.apply(case_id, "apply_confirmation", actor=actor, reason=court, change=change)


def case_decide_confirmation(*, case_id, actor, result, decided_on, number="", route=""):
    """Record the court's ruling: confirmed (enforceable, with its 调确字 number) or refused, with the
    route the parties were told then (back to mediation or to court)."""
    if result not in (Agreement.Confirmation.CONFIRMED, Agreement.Confirmation.REFUSED):
        raise MediationInputError(UNKNOWN_RESULT, "result")
    confirmed = result == Agreement.Confirmation.CONFIRMED
    if confirmed and not number.strip():
        raise MediationInputError(CONFIRMATION_NUMBER_REQUIRED, "number")
    if not confirmed and route not in Agreement.Route.values:
        raise MediationInputError(ROUTE_REQUIRED, "route")

    def change(case):
        agreement = case.agreement  # an application waits: workflow.AWAITING_COURT
        _check_date(decided_on, "decided_on", not_before=agreement.confirmation_applied_on)
        agreement.confirmation, agreement.confirmation_decided_on = result, decided_on
        agreement.confirmation_number = number.strip()
        agreement.confirmation_route = "" if confirmed else route
        agreement.save(update_fields=["confirmation", "confirmation_decided_on", "confirmation_number",
                                      "confirmation_route"])

    return CASES.apply(case_id, "decide_confirmation", actor=actor, reason_code=result,
                       reason=number.strip() if confirmed else route, change=change)


def case_follow_up(*, case_id, actor, visited_on, performance, note=""):
    """Record a follow-up visit (回访) and what it found about the agreement's performance."""
    if performance not in Agreement.Performance.values or performance == Agreement.Performance.PENDING:
        raise MediationInputError(UNKNOWN_PERFORMANCE, "performance")

    def change(case):
        _check_date(visited_on, "visited_on", not_before=timezone.localdate(case.concluded_at),
                    before_message=VISIT_BEFORE_CONCLUSION)
        FollowUpVisit.objects.create(case=case, visited_on=visited_on, performance=performance, note=note,
                                     visited_by=actor)
        Agreement.objects.filter(case=case).update(performance=performance)

    return CASES.apply(case_id, "follow_up", actor=actor, reason_code=performance, reason=note, change=change)


def case_archive(*, case_id, actor):
    """Close the case file (结案归档, art. 27) under a new archive number, listing what it holds;
    the case is read-only from then on (no move leaves the archived state)."""
    def change(case):
        case.archive_number, case.archive_contents = number, _archive_contents(case)
        case.archived_at, case.archived_by = timezone.now(), actor

    with transaction.atomic():  # a refused move hands out no number
        number = numbers_reserve(ArchiveNumberCounter, prefix="GD", day=timezone.localdate())[0]
        return CASES.apply(case_id, "archive", actor=actor, reason=number, change=change)


def _archive_contents(case):
    """Return how many documents of each kind (ArchiveItem) the case file holds, leaving out none-such."""
    agreement = getattr(case, "agreement", None)
    counts = {
        ArchiveItem.REGISTRATION: 1,
        ArchiveItem.SESSIONS: case.sessions.count(),
        ArchiveItem.AGREEMENT: int(agreement is not None),
        ArchiveItem.CONFIRMATION: int(agreement is not None and agreement.confirmation_decided_on is not None),
        ArchiveItem.FOLLOW_UPS: case.follow_ups.count(),
    }
    return {str(item): count for item, count in counts.items() if count}


# --- Agreement copies ---

def agreement_copy_identities(*, case, actor, copy):
    """Return {party id: full ID number} for the parties' or the court's copy of the agreement.

    Those copies carry the full identification; only the case's mediators print them, and each
    number printed is a reveal, logged like the others (PartyReveal, hence the audit trail).
    """
    if copy not in PartyReveal.Copy.values:
        raise MediationInputError(UNKNOWN_COPY, "copy")
    if not works_on_case(case, actor):
        audit_record(action=AuditEvent.Action.REVEAL, result=AuditEvent.Result.FAILURE, actor=actor,
                     target=f"mediation.case:{case.pk}", details={"field": "id_number", "copy": copy})
        raise PermissionDenied(REVEAL_NOT_ALLOWED)
    identities = {}
    for party in case.parties.exclude(id_number_encrypted=""):
        PartyReveal.objects.create(party=party, field=PartyReveal.Field.ID_NUMBER, copy=copy, actor=actor)
        identities[party.pk] = crypto.decrypt(party.id_number_encrypted)
    return identities


# --- Committees ---

def committee_members_set(*, organisation, members):
    """Replace the members of a committee with `members` ({"name", "position"}); a committee has
    3 to 9 members, one of them its chair (art. 9), else MediationInputError on "members"."""
    try:
        organisation.validate_members(member["position"] for member in members)
    except ValidationError as error:
        raise MediationInputError(error.messages[0], "members") from None
    with transaction.atomic():
        organisation.members.all().delete()
        CommitteeMember.objects.bulk_create([CommitteeMember(organisation=organisation, **member)
                                             for member in members])


# Every action a person takes, by name (as in workflow.TRANSITIONS): pages and API use this.
ACTION_SERVICES = {
    "add_party": party_add, "accept": case_accept, "refuse": case_refuse, "assign": case_assign,
    "record_session": case_record_session, "extend": case_extend, "escalate": case_escalate,
    "flag_risk": case_flag_risk,
    "conclude_agreement": case_conclude_agreement, "fail": case_fail, "sign_agreement": case_sign_agreement,
    "apply_confirmation": case_apply_confirmation, "decide_confirmation": case_decide_confirmation,
    "follow_up": case_follow_up, "archive": case_archive,
}
