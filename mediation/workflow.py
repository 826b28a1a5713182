"""The course of a mediation case: which action is allowed from which state, for whom.

`TRANSITIONS` is the one table of allowed moves (with incidents' Transition record: the same
shape for work orders and cases). Every move goes through `apply_transition`, which locks the
case, checks the table and the actor, changes the row and writes its CaseEvent in the same
transaction. The `case_<action>` services are its only callers.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.access import OUTSIDE_SCOPE
from accounts.models import User
from govportal.errors import DomainConflict
from incidents.workflow import Transition

from .models import CaseEvent, MediationCase
from .selectors import case_is_visible

S = MediationCase.Status
TRANSITION_NOT_ALLOWED = _("“%(action)s” is not allowed while the case is %(status)s.")
NOT_YOUR_ORGANISATION = _("Only the organisation that holds this case may do this.")
NOT_YOUR_CASE = _("Only the case's organisation or its assigned mediators may do this.")
ROLE_NOT_ALLOWED = _("Your role may not do this.")


class CaseTransitionNotAllowed(DomainConflict):
    """The action is not allowed from the case's current state (HTTP 409)."""


MEDIATORS = (User.Role.MEDIATOR,)
WORKING = (S.ACCEPTED, S.MEDIATING)

# party: "organisation" (a mediator of the holding organisation), "case" (that, or a mediator
# assigned to the case, e.g. from the expert pool) or "system".
TRANSITIONS = {
    "add_party": Transition((S.REGISTERED, *WORKING), None, "organisation", MEDIATORS),
    "accept": Transition((S.REGISTERED,), S.ACCEPTED, "organisation", MEDIATORS),
    "refuse": Transition((S.REGISTERED,), S.REFUSED, "organisation", MEDIATORS),
    "assign": Transition(WORKING, S.MEDIATING, "organisation", MEDIATORS),
    "record_session": Transition((S.MEDIATING,), None, "case", MEDIATORS),
    "extend": Transition(WORKING, None, "organisation", MEDIATORS),
    # Moving up the chain keeps the state and the assigned mediators (they know the case); the
    # receiving organisation may assign its own. A running clock restarts there.
    "escalate": Transition((S.REGISTERED, *WORKING), None, "organisation", MEDIATORS),
    "flag_risk": Transition((S.REGISTERED, *WORKING), None, "case", MEDIATORS),
    "conclude_agreement": Transition((S.MEDIATING,), S.AGREED, "case", MEDIATORS),
    "fail": Transition((S.MEDIATING,), S.FAILED, "case", MEDIATORS),
    "sign_agreement": Transition((S.AGREED,), None, "case", MEDIATORS),
    "apply_confirmation": Transition((S.AGREED,), None, "case", MEDIATORS),
    "decide_confirmation": Transition((S.AGREED,), None, "case", MEDIATORS),
    "follow_up": Transition((S.AGREED,), None, "case", MEDIATORS),
    # The sweep (sweeps.overdue_cases_escalate): a case unresolved within its organisation's time
    # limit moves to the superior organisation; at the top it is only recorded as overdue.
    "overdue_escalate": Transition(WORKING, None, "system"),
    "overdue": Transition(WORKING, None, "system"),
}


# Working on a case in any state: who may see the parties' full numbers.
CASE_WORK = Transition(tuple(S.values), None, "case", MEDIATORS)


def allowed_actions(case, user):
    """Return the names of the actions `user` may take on `case` now (for pages and the API)."""
    names = []
    for name, transition in TRANSITIONS.items():
        if transition.party == "system" or case.status not in transition.sources:
            continue
        try:
            check_actor(case, user, transition)
        except PermissionDenied:
            continue
        names.append(name)
    return names


def is_assigned(case, user):
    """Return whether `user` is one of the case's mediators."""
    return case.mediators.filter(user=user).exists()


def works_on_case(case, user):
    """Return whether `user` works on `case` (a mediator of its organisation or assigned to it)."""
    try:
        check_actor(case, user, CASE_WORK)
    except PermissionDenied:
        return False
    return True


def check_actor(case, user, transition):
    """Raise PermissionDenied unless `user` may take `transition` on `case`."""
    if transition.party == "system":
        raise PermissionDenied(ROLE_NOT_ALLOWED)
    if user.is_superuser:
        return
    if not case_is_visible(user=user, case=case):
        raise PermissionDenied(OUTSIDE_SCOPE)
    if transition.roles and user.role not in transition.roles:
        raise PermissionDenied(ROLE_NOT_ALLOWED)
    in_organisation = user.unit_id == case.organisation_id
    if transition.party == "organisation" and not in_organisation:
        raise PermissionDenied(NOT_YOUR_ORGANISATION)
    if transition.party == "case" and not (in_organisation or is_assigned(case, user)):
        raise PermissionDenied(NOT_YOUR_CASE)


def apply_transition(case_id, action, *, actor, reason_code="", reason="", change=None):
    """Move the case through `action` and return it.

    Locks the row (SELECT … FOR UPDATE), so two concurrent actions are serialised and the second
    sees the state the first left. `change(case)` does what is particular to the action (it may
    write related rows: they join the same transaction). Raises CaseTransitionNotAllowed (409),
    PermissionDenied (403) or a DomainInputError from `change` (400); nothing is written then.
    """
    transition = TRANSITIONS[action]
    with transaction.atomic():
        case = MediationCase.objects.select_for_update().get(pk=case_id)
        if case.status not in transition.sources:
            raise CaseTransitionNotAllowed(
                TRANSITION_NOT_ALLOWED % {"action": action, "status": case.get_status_display()}
            )
        if actor is not None:
            check_actor(case, actor, transition)
        from_status = case.status
        if transition.target is not None:
            case.status = transition.target
        if change is not None:
            change(case)
        case.save()
        CaseEvent.objects.create(
            case=case, action=action, from_status=from_status, to_status=case.status, actor=actor,
            organisation_id=case.organisation_id, reason_code=reason_code, reason=reason,
        )
    return case
