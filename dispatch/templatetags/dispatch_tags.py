from django import template
from django.utils import timezone

from dispatch.selectors import ticket_dispatch_facts

register = template.Library()


@register.inclusion_tag("dispatch/_ticket_dispatch.html")
def ticket_dispatch(ticket):
    """The dispatch facts of a work order on its page: lead and co-handlers, objections, the operator's choice."""
    return {"ticket": ticket, "now": timezone.now(), **ticket_dispatch_facts(ticket)}
