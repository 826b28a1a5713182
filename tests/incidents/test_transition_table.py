"""Every action of the table, from every state and by every role: allowed exactly where the table says."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from incidents.models import Ticket, TicketMerge
from govportal.workflow import SYSTEM, TransitionNotAllowed
from incidents.workflow import EXTENSION_ASKED, TICKETS, TRANSITIONS

PERSON_ACTIONS = [name for name, t in TRANSITIONS.items() if t.party != SYSTEM]


@pytest.fixture
def ticket(report):
    return report()


@pytest.mark.parametrize("action", PERSON_ACTIONS)
def test_action_is_refused_from_every_state_outside_its_sources(ticket, actors, action):
    for status in set(Ticket.Status.values) - set(TRANSITIONS[action].sources):
        Ticket.objects.filter(pk=ticket.pk).update(status=status)  # test set-up only
        with pytest.raises(TransitionNotAllowed):
            TICKETS.apply(ticket.pk, action, actor=actors.admin)
    assert ticket.events.count() == 2  # report and route: nothing else was written


@pytest.mark.parametrize("action", PERSON_ACTIONS)
def test_action_passes_the_state_check_from_each_of_its_sources(ticket, report, actors, action):
    # Test set-up only: guards met (an extension asked; merged into a closed order).
    closed = report()
    Ticket.objects.filter(pk=closed.pk).update(status="closed")
    TicketMerge.objects.create(master=closed, merged=ticket, reason="重复", merged_by=actors.admin)
    for status in TRANSITIONS[action].sources:
        Ticket.objects.filter(pk=ticket.pk).update(
            status=status, status_before_suspension="accepted", extension_requested_minutes=60)
        moved = TICKETS.apply(ticket.pk, action, actor=actors.admin)
        target = TRANSITIONS[action].target
        expected = {None: status, "previous": "accepted"}.get(target, target)
        assert moved.status == expected


def roles_allowed(ticket, actors, action):
    allowed = set()
    for role in ("grid_worker", "community_staff", "street_coordinator", "department_handler", "leader", "outsider"):
        user = getattr(actors, role)
        try:
            TICKETS.check_actor(ticket, user, TRANSITIONS[action])
        except PermissionDenied:
            continue
        allowed.add(role)
    return allowed


# Who may act on a ticket that the west community holds, reported by the west grid worker.
EXPECTED_WHEN_COMMUNITY_HOLDS = {
    "accept": {"community_staff"}, "reject": {"community_staff"}, "dispatch": {"street_coordinator"},
    "sign": {"community_staff"}, "start": {"community_staff"}, "return": set(),
    "escalate": {"community_staff"}, "request_extension": {"community_staff"},
    "approve_extension": {"street_coordinator"}, "deny_extension": {"street_coordinator"},
    "suspend": {"street_coordinator"}, "resume": {"street_coordinator"}, "handle": {"community_staff"},
    "verify": {"grid_worker", "community_staff"}, "verify_fail": {"grid_worker", "community_staff"},
    "close": {"grid_worker", "community_staff"}, "rate": {"grid_worker", "community_staff"},
    "reopen": {"grid_worker", "community_staff"}, "void": {"street_coordinator"},
    # The hotline's steps (its operator is not among these actors; tests/hotline covers them).
    "supervise": {"leader"}, "reply": {"community_staff"}, "callback": set(), "callback_unreached": set(),
    "rehandle": set(),
    "park": {"leader"}, "register_review": {"leader"}, "unpark": {"leader"}, "merge": set(), "unmerge": set(),
    "contact": {"community_staff"},
}


@pytest.mark.parametrize("action", PERSON_ACTIONS)
def test_each_role_is_allowed_or_refused_as_the_table_says(ticket, actors, action):
    assert roles_allowed(ticket, actors, action) == EXPECTED_WHEN_COMMUNITY_HOLDS[action]


def test_the_department_holds_after_dispatch(ticket, actors):
    from accounts.models import HandlingUnit
    from incidents.models import TicketEvent

    department = HandlingUnit.objects.get(department="urban_management")
    Ticket.objects.filter(pk=ticket.pk).update(handling_unit=department)
    # Test set-up only; every move records its holder, which is how a department sees what it holds.
    TicketEvent.objects.create(ticket=ticket, action="dispatch", from_status=ticket.status, to_status=ticket.status,
                               unit=department)
    ticket.refresh_from_db()
    assert roles_allowed(ticket, actors, "return") == {"department_handler"}
    assert roles_allowed(ticket, actors, "sign") == {"department_handler"}
    assert "outsider" not in roles_allowed(ticket, actors, "dispatch")


def test_system_actions_are_never_open_to_people(ticket, actors):
    for name, transition in TRANSITIONS.items():
        if transition.party == "system":
            with pytest.raises(PermissionDenied):
                TICKETS.check_actor(ticket, actors.admin, transition)


def test_the_row_test_of_visibility_agrees_with_the_filter(report, actors):
    from tests.incidents.conftest import EAST_POINT

    from incidents.selectors import ticket_is_visible, ticket_list

    tickets = [report(), report(point=EAST_POINT)]
    for role in ("grid_worker", "community_staff", "street_coordinator", "department_handler", "leader", "outsider"):
        user = getattr(actors, role)
        listed = set(ticket_list(user=user).values_list("pk", flat=True))
        assert {t.pk for t in tickets if ticket_is_visible(user=user, ticket=t)} == listed, role


# The extension guard; a merged order's callback guard is tested with merging (tests/hotline/test_merging.py).
@pytest.mark.parametrize("action", [name for name, t in TRANSITIONS.items() if t.guard is EXTENSION_ASKED])
def test_a_guarded_action_is_neither_offered_nor_allowed_until_its_guard_holds(ticket, actors, action):
    dispatcher = actors.street_coordinator
    ticket = TICKETS.apply(ticket.pk, "accept", actor=actors.community_staff)  # a state the action leaves from
    assert TRANSITIONS[action].guard.holds(ticket) is False and action not in TICKETS.allowed_actions(ticket, dispatcher)
    with pytest.raises(TransitionNotAllowed, match=str(TRANSITIONS[action].guard.refusal)):
        TICKETS.apply(ticket.pk, action, actor=dispatcher)
    Ticket.objects.filter(pk=ticket.pk).update(extension_requested_minutes=60)  # the unit asks (test set-up)
    ticket.refresh_from_db()
    assert action in TICKETS.allowed_actions(ticket, dispatcher)


def test_every_move_has_a_label_in_chinese():
    from incidents.workflow import ACTION_LABELS
    from mediation.workflow import ACTION_LABELS as CASE_LABELS, TRANSITIONS as CASE_TRANSITIONS
    from tests.pages import zh

    assert set(TRANSITIONS) <= set(ACTION_LABELS) and set(CASE_TRANSITIONS) <= set(CASE_LABELS)
    for label in [*ACTION_LABELS.values(), *CASE_LABELS.values()]:
        zh(label)  # fails on a label the Chinese catalogue lacks


def test_a_refused_move_is_named_as_people_read_it(ticket, actors):
    from incidents.workflow import ACTION_LABELS
    from tests.pages import zh

    with pytest.raises(TransitionNotAllowed) as refused:
        TICKETS.apply(ticket.pk, "close", actor=actors.grid_worker)
    with translation.override("zh-hans"):
        message = str(refused.value)
    assert zh(ACTION_LABELS["close"]) in message and "close" not in message
