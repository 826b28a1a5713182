"""The course of a mediation case: which action is allowed from which state, for whom.

`TRANSITIONS` is the one table of allowed moves; `CASES` declares it to the shared engine
(govportal.workflow), which locks the case, checks the table and the actor, changes the row and
writes its CaseEvent in one transaction. The `case_<action>` services are its only callers for
single moves; the sweep reads its states and actions from the same table.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from govportal.workflow import SYSTEM, Guard, System, Transition, Workflow, WorkflowInputError

from .models import Agreement, CaseEvent, MediationCase
from .selectors import case_is_visible

S = MediationCase.Status
NOT_YOUR_ORGANISATION = _("Only the organisation that holds this case may do this.")
NOT_YOUR_CASE = _("Only the case's organisation or its assigned mediators may do this.")

UNSIGNED = _("Only a written agreement not yet signed is signed.")
NOT_OPEN_FOR_CONFIRMATION = _(
    "Judicial confirmation is applied for once, within 30 days of the agreement taking effect.")
NOT_APPLIED = _("No judicial confirmation is waiting for the court's decision.")
NOT_TO_FOLLOW_UP = _("Follow-up visits are for an agreement in effect that is not yet fully performed.")
NOT_READY_TO_ARCHIVE = _("A case is archived once its agreement is in effect and no court decision is pending.")
ALREADY_EXTENDED = _("A court-entrusted case is extended only once.")


class MediationInputError(WorkflowInputError):
    """Input that breaks a rule of mediation (HTTP 400)."""


MEDIATORS = (User.Role.MEDIATOR,)
WORKING = (S.ACCEPTED, S.MEDIATING)
ENDED = (S.REFUSED, S.FAILED, S.AGREED)


def _agreement(case):
    return getattr(case, "agreement", None)


def _unsigned(case):
    agreement = _agreement(case)
    return agreement is not None and agreement.kind == Agreement.Kind.WRITTEN and agreement.effective_on is None


def _effective(case):
    agreement = _agreement(case)
    return agreement is not None and agreement.effective_on is not None


def _open_for_confirmation(case):
    agreement = _agreement(case)
    return (_effective(case) and not agreement.confirmation
            and timezone.localdate() <= agreement.confirmation_deadline)


def _awaiting_court(case):
    agreement = _agreement(case)
    return agreement is not None and agreement.confirmation_pending


def _to_follow_up(case):
    return _effective(case) and case.agreement.performance != Agreement.Performance.PERFORMED


def _ready_to_archive(case):
    """A refused or failed case is archived at once; an agreed one once in effect, with no court decision pending."""
    return case.status != S.AGREED or (_effective(case) and not _awaiting_court(case))


def _extendable(case):
    return not (case.is_court_entrusted and case.events.filter(action="extend").exists())


# Conditions beyond the state (the engine offers and allows a move only where its guard holds).
SIGNABLE = Guard(_unsigned, UNSIGNED)
CONFIRMATION_OPEN = Guard(_open_for_confirmation, NOT_OPEN_FOR_CONFIRMATION)
AWAITING_COURT = Guard(_awaiting_court, NOT_APPLIED)
FOLLOW_UP_DUE = Guard(_to_follow_up, NOT_TO_FOLLOW_UP)
ARCHIVABLE = Guard(_ready_to_archive, NOT_READY_TO_ARCHIVE)
EXTENDABLE = Guard(_extendable, ALREADY_EXTENDED)
# The system's actors on cases, named.
OVERDUE_SWEEP = System("mediation overdue sweep")
REGISTRATION = System("registration")  # a case flagged high-risk when it is registered

# party: "organisation" (a mediator of the holding organisation), "case" (that, or a mediator
# assigned to the case, e.g. from the expert pool) or SYSTEM.
TRANSITIONS = {
    "add_party": Transition((S.REGISTERED, *WORKING), None, "organisation", MEDIATORS),
    "accept": Transition((S.REGISTERED,), S.ACCEPTED, "organisation", MEDIATORS),
    "refuse": Transition((S.REGISTERED,), S.REFUSED, "organisation", MEDIATORS),
    "assign": Transition(WORKING, S.MEDIATING, "organisation", MEDIATORS),
    "record_session": Transition((S.MEDIATING,), None, "case", MEDIATORS),
    "extend": Transition(WORKING, None, "organisation", MEDIATORS, guard=EXTENDABLE),
    # Moving up the chain keeps the state and the assigned mediators (they know the case); the
    # receiving organisation may assign its own. A running clock restarts there.
    "escalate": Transition((S.REGISTERED, *WORKING), None, "organisation", MEDIATORS),
    "flag_risk": Transition((S.REGISTERED, *WORKING), None, "case", MEDIATORS, system=True),
    "conclude_agreement": Transition((S.MEDIATING,), S.AGREED, "case", MEDIATORS),
    "fail": Transition((S.MEDIATING,), S.FAILED, "case", MEDIATORS),
    "sign_agreement": Transition((S.AGREED,), None, "case", MEDIATORS, guard=SIGNABLE),
    "apply_confirmation": Transition((S.AGREED,), None, "case", MEDIATORS, guard=CONFIRMATION_OPEN),
    "decide_confirmation": Transition((S.AGREED,), None, "case", MEDIATORS, guard=AWAITING_COURT),
    "follow_up": Transition((S.AGREED,), None, "case", MEDIATORS, guard=FOLLOW_UP_DUE),
    # 结案归档: the case file is closed; nothing leaves the archived state, so the case is read-only.
    "archive": Transition(ENDED, S.ARCHIVED, "organisation", MEDIATORS, guard=ARCHIVABLE),
    # The sweep (sweeps.overdue_cases_escalate): a case unresolved within its organisation's time
    # limit moves to the superior organisation; at the top it is only recorded as overdue.
    "overdue_escalate": Transition(WORKING, None, SYSTEM),
    "overdue": Transition(WORKING, None, SYSTEM),
}

# Working on a case in any state: who may see the parties' full numbers.
CASE_WORK = Transition(tuple(S.values), None, "case", MEDIATORS)


# Every action, by name, as the pages, the timeline and the engine's refusals call it.
ACTION_LABELS = {
    "register": _("Register"), "add_party": _("Add a party"), "accept": _("Accept"), "refuse": _("Refuse"),
    "assign": _("Assign mediators"), "record_session": _("Record a session"), "extend": _("Extend the time limit"),
    "escalate": _("Escalate to the superior organisation"), "flag_risk": _("Flag as high risk"),
    "conclude_agreement": _("Record the agreement"), "fail": _("Mediation failed"),
    "sign_agreement": _("Parties signed the agreement"), "apply_confirmation": _("Applied for judicial confirmation"),
    "decide_confirmation": _("Court decision on confirmation"), "follow_up": _("Follow-up visit"),
    "archive": _("Close and archive"),
    "overdue_escalate": _("Overdue: escalated"), "overdue": _("Overdue"),
}


class CaseWorkflow(Workflow):
    """Mediation cases on the shared engine."""

    model, event_model, transitions, action_labels = MediationCase, CaseEvent, TRANSITIONS, ACTION_LABELS
    not_allowed = _("“%(action)s” is not allowed while the case is %(status)s.")
    input_error = MediationInputError

    def is_visible(self, case, user):
        return case_is_visible(user=user, case=case)

    def party_refusal(self, case, user, party):
        in_organisation = user.unit_id == case.organisation_id
        if party == "organisation" and not in_organisation:
            return NOT_YOUR_ORGANISATION
        if party == "case" and not (in_organisation or is_assigned(case, user)):
            return NOT_YOUR_CASE
        return None

    def event(self, case, *, action, from_status, actor, reason_code, reason):
        return CaseEvent(case=case, action=action, from_status=from_status, to_status=case.status, actor=actor,
                         organisation_id=case.organisation_id, reason_code=reason_code, reason=reason)


CASES = CaseWorkflow()


def is_assigned(case, user):
    """Return whether `user` is one of the case's mediators."""
    return case.mediators.filter(user=user).exists()


def works_on_case(case, user):
    """Return whether `user` works on `case` (a mediator of its organisation or assigned to it)."""
    return CASES.may(case, user, CASE_WORK)
