"""Forms of the special-group pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CareVisit


class VisitForm(forms.Form):
    """A visit paid to a person, as a helper records it on a phone."""

    visited_on = forms.DateField(label=_("Visited on"), widget=forms.DateInput(attrs={"type": "date"}))
    way = forms.ChoiceField(label=_("Way"), choices=CareVisit.Way.choices, initial=CareVisit.Way.HOME,
                            widget=forms.RadioSelect)
    place = forms.CharField(label=_("Place"), max_length=200)
    condition = forms.ChoiceField(label=_("The person's condition"), choices=CareVisit.Condition.choices,
                                  initial=CareVisit.Condition.STABLE, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    follow_up_needed = forms.BooleanField(label=_("Follow-up needed"), required=False)
