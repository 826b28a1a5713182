"""The pages' forms of the dispatch moves (the work order's page takes them like its other moves)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import HandlingUnit
from govportal.pages import ActionForm

from .services import redispatch_targets


class CoFeedbackForm(ActionForm):
    feedback = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                               label=_("Feedback on your unit's part"))


class ObjectionForm(ActionForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=1000,
                             label=_("Why the dispatch is wrong"))


class DecisionForm(ActionForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=1000, label=_("Decision"))


class RedispatchForm(DecisionForm):
    unit = forms.ModelChoiceField(HandlingUnit.objects.none(), to_field_name="code", label=_("Re-dispatch to"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.subject is not None:
            self.fields["unit"].queryset = redispatch_targets(self.subject)


# action → form class (None: a button is enough), merged into incidents.forms.ACTION_FORMS
ACTION_FORMS = {"co_sign": None, "co_feedback": CoFeedbackForm, "object": ObjectionForm,
                "redispatch": RedispatchForm, "reject_objection": DecisionForm}
