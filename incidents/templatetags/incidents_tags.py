from django import template

from incidents.models import RegisterEntry, Ticket
from incidents.services import REJECT_REASONS, RETURN_REASONS
from incidents.workflow import ACTION_LABELS

register = template.Library()

# A move → the labels of the codes its events carry in reason_code.
REASON_LABELS = {
    "reject": REJECT_REASONS, "return": RETURN_REASONS,
    "rate": dict(Ticket.Satisfaction.choices), "callback": dict(Ticket.Satisfaction.choices),
    "overdue": dict(Ticket.DueKind.choices), "overdue_escalate": dict(Ticket.DueKind.choices),
    "park": dict(RegisterEntry.Reason.choices),
}


@register.filter
def action_label(name):
    """Return a work-order move or notice kind as people read it (incidents.workflow.ACTION_LABELS)."""
    return ACTION_LABELS.get(name, name)


@register.filter
def reason_label(event):
    """Return the label of a work-order event's reason code (the code itself when it has none)."""
    return REASON_LABELS.get(event.action, {}).get(event.reason_code, event.reason_code)
