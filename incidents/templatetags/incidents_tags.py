from django import template

from incidents.workflow import ACTION_LABELS

register = template.Library()


@register.filter
def action_label(name):
    """Return a work-order move or notice kind as people read it (incidents.workflow.ACTION_LABELS)."""
    return ACTION_LABELS.get(name, name)
