from django import forms
from django.utils.translation import gettext_lazy as _

from govportal.periods import PeriodForm

from .models import AuditEvent

ALL = [("", _("All"))]


class AuditFilterForm(PeriodForm):
    """The audit page's filters: a period of local days (this month by default), the actor's
    username, the action and the result."""

    actor = forms.CharField(label=_("Username"), max_length=150, required=False)
    action = forms.ChoiceField(label=_("Action"), choices=ALL + AuditEvent.Action.choices, required=False)
    result = forms.ChoiceField(label=_("Result"), choices=ALL + AuditEvent.Result.choices, required=False)

    def filters(self):
        """Return the keyword arguments of audit_event_list: what was asked, or the defaults while invalid."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"period": self.period(), **{name: data.get(name, "") for name in ("actor", "action", "result")}}
