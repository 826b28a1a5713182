from django import template

from mediation.models import Agreement, MediationCase

register = template.Library()

# A move → the choices its events carry in reason_code (mediation.services).
REASON_CHOICES = {
    "register": MediationCase.Source, "refuse": MediationCase.RefusalReason, "fail": MediationCase.Guidance,
    "conclude_agreement": Agreement.Kind, "decide_confirmation": Agreement.Confirmation,
    "follow_up": Agreement.Performance,
}


@register.filter
def reason_label(event):
    """Return the label of a case event's reason code (the code itself when it has none)."""
    choices = REASON_CHOICES.get(event.action)
    return dict(choices.choices).get(event.reason_code, event.reason_code) if choices else event.reason_code
