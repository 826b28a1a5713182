"""Forms of participation: a resident's registration and sign-in on a phone, staff entry, teams."""

from django import forms
from django.utils.translation import gettext_lazy as _

from govportal.pages import ActionForm
from incidents.forms import phone_field

from .models import Participant, Team
from .selectors import communities_for


def code_field():
    return forms.RegexField(regex=r"^[0-9]{6}$", label=_("Verification code"),
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                                          "maxlength": 6}),
                            error_messages={"invalid": _("Enter the 6 digits of the code sent by SMS.")})


class ParticipantFields(forms.Form):
    """What a registration asks, whoever fills it in."""

    community = forms.ModelChoiceField(queryset=communities_for(), label=_("Community you report to"))
    kind = forms.ChoiceField(choices=Participant.Kind.choices, label=_("I take part as"))
    name = forms.CharField(max_length=100, label=_("Name"))
    phone = phone_field()
    work_unit = forms.CharField(max_length=100, required=False, label=_("Work unit (party members)"))
    skills = forms.CharField(max_length=200, required=False, label=_("Skills"))


class RegisterForm(ParticipantFields):
    """报到 on one's own phone: the phone proved by an SMS code."""

    code = code_field()


class EnterForm(ParticipantFields):
    """Community staff enter a participant (the community is one of their scope)."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities_for(user=user)
        self.fields["kind"].label = _("Kind")


class SignInForm(forms.Form):
    phone = phone_field()
    code = code_field()


class RejectForm(ActionForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=1000, label=_("Reason"))


ACTION_FORMS = {"confirm": None, "reject": RejectForm}


class TeamForm(forms.Form):
    community = forms.ModelChoiceField(queryset=communities_for(), label=_("Community"))
    kind = forms.ChoiceField(choices=Team.Kind.choices, label=_("Kind"))
    name = forms.CharField(max_length=100, label=_("Name"))
    leader = forms.ModelChoiceField(queryset=Participant.objects.none(), label=_("Leader"))
    members = forms.ModelMultipleChoiceField(queryset=Participant.objects.none(), required=False,
                                             widget=forms.CheckboxSelectMultiple, label=_("Members"))

    def __init__(self, *args, user, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities_for(user=user)
        confirmed = participants.filter(status=Participant.Status.CONFIRMED)
        self.fields["leader"].queryset = self.fields["members"].queryset = confirmed
