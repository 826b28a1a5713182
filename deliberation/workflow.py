"""The course of a topic (议题): raised → on a meeting's agenda → decided (adopted or rejected by the vote)
→ published (公示) → implemented (its work orders all closed) or closed.

`TOPIC_TRANSITIONS` is the one table; `TOPICS` declares it to the shared engine (govportal.workflow),
which locks the row, checks the state and the actor, and writes the TopicEvent in the same transaction.
"""

from django.utils.translation import gettext_lazy as _

from accounts.access import is_in_scope
from govportal.workflow import SYSTEM, Guard, System, Transition, Workflow, WorkflowInputError
from incidents.models import Ticket
from participation.workflow import COMMUNITY_ROLES

from .models import Topic, TopicEvent

S = Topic.Status
IMPLEMENTATION_SWEEP = System("implementation sweep")


class DeliberationInputError(WorkflowInputError):
    """Input that breaks a rule of deliberation (HTTP 400)."""


def _adopted(topic):
    return topic.result == Topic.Result.ADOPTED


def _no_open_work_order(topic):
    return not topic.work_orders.exclude(ticket__status__in=TICKET_DONE).exists()


# A work order counts as done once closed (rated after closing, too); a voided one was never carried out.
TICKET_DONE = (Ticket.Status.CLOSED, Ticket.Status.RATED, Ticket.Status.VOIDED)
ONLY_ADOPTED = Guard(_adopted, _("Only an adopted decision is carried out by work orders."))
WORK_ORDERS_OPEN = Guard(_no_open_work_order, _("Its work orders are not all closed yet."))

# party "community": staff whose scope holds the topic's community (the engine checks the scope).
TOPIC_TRANSITIONS = {
    "select": Transition((S.RAISED,), S.SELECTED, "community", COMMUNITY_ROLES),
    "deselect": Transition((S.SELECTED,), S.RAISED, "community", COMMUNITY_ROLES),
    "decide": Transition((S.SELECTED,), S.DECIDED, "community", COMMUNITY_ROLES),
    "publish": Transition((S.DECIDED,), S.PUBLISHED, "community", COMMUNITY_ROLES),
    "order_work": Transition((S.PUBLISHED,), None, "community", COMMUNITY_ROLES, guard=ONLY_ADOPTED),
    "close": Transition((S.PUBLISHED,), S.CLOSED, "community", COMMUNITY_ROLES, guard=WORK_ORDERS_OPEN),
    # The sweep (sweeps.topics_implemented_mark): every work order of an adopted decision closed.
    "implement": Transition((S.PUBLISHED,), S.IMPLEMENTED, SYSTEM),
}

ACTION_LABELS = {
    "raise": _("Raised"), "select": _("Put on the agenda"), "deselect": _("Take off the agenda"),
    "decide": _("Record the vote"), "publish": _("Publish the decision"),
    "order_work": _("Make a work order"), "close": _("Close the topic"),
    "implement": _("Implemented: every work order closed"),
}


class TopicWorkflow(Workflow):
    """Topics on the shared engine: moved by the community's staff, marked implemented by the sweep."""

    model, event_model = Topic, TopicEvent
    transitions, action_labels = TOPIC_TRANSITIONS, ACTION_LABELS
    not_allowed = _("“%(action)s” is not allowed while the topic is %(status)s.")
    input_error = DeliberationInputError

    def is_visible(self, topic, user):
        return is_in_scope(user, topic.community.code)

    def party_refusal(self, topic, user, party):
        return None  # "community": the scope, checked by the engine, is the whole rule

    def event(self, topic, *, action, from_status, actor, reason_code, reason):
        return TopicEvent(topic=topic, action=action, from_status=from_status, to_status=topic.status,
                          actor=actor, reason=reason)


TOPICS = TopicWorkflow()
