"""Forms of the special-group pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CareVisit


class VisitForm(forms.Form):
    """A visit paid to a person, as a helper records it on a phone."""

    visited_on = forms.DateField(label=_("Date of the visit"), widget=forms.DateInput(attrs={"type": "date"}))
    way = forms.ChoiceField(label=_("Way of visiting"), choices=CareVisit.Way.choices, initial=CareVisit.Way.HOME,
                            widget=forms.RadioSelect)
    place = forms.CharField(label=_("Place of the visit"), max_length=200)
    condition = forms.ChoiceField(label=_("The person's condition"), choices=CareVisit.Condition.choices,
                                  initial=CareVisit.Condition.STABLE, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    follow_up_needed = forms.BooleanField(label=_("Follow-up needed"), required=False)
