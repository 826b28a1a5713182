"""Forms of deliberation: a resident's topic on their phone, and the community's steps on its pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import HandlingUnit
from govportal.errors import DomainInputError
from govportal.pages import ActionForm
from incidents.forms import MultipleFileField, category_field
from participation.forms import PositionFields, RejectForm, when_field
from participation.models import Participant

from .models import Meeting
from .selectors import communities_for, quarter_from
from .services import PUBLIC_DAYS_DEFAULT


class TopicForm(forms.Form):
    """A resident's topic (or one staff enter): what it is about, with up to three photos."""

    title = forms.CharField(max_length=100, label=_("Topic"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
                                  label=_("What should be discussed, and why"))
    photos = MultipleFileField(label=_("Photos (up to 3)"))


class StaffTopicForm(TopicForm):
    community = forms.ModelChoiceField(queryset=communities_for(), label=_("Community"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities_for(user=user)


class TopicFilterForm(forms.Form):
    """The topic list's filter: one community of the scope, one quarter (YYYY-Qn)."""

    community = forms.ModelChoiceField(queryset=communities_for(), required=False, label=_("Community"))
    quarter = forms.CharField(required=False, label=_("Quarter"),
                              widget=forms.TextInput(attrs={"placeholder": "2026-Q4", "size": 8}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities_for(user=user)

    def clean_quarter(self):
        text = self.cleaned_data["quarter"].strip()
        try:
            return quarter_from(text) if text else None
        except DomainInputError as error:
            raise forms.ValidationError(error.args[0], code="invalid") from None


class MeetingForm(forms.Form):
    """The community calls a meeting (议事会) and says whom it invites."""

    community = forms.ModelChoiceField(queryset=communities_for(), label=_("Community"))
    title = forms.CharField(max_length=100, label=_("Title"))
    held_at = when_field(_("Held at"))
    place = forms.CharField(max_length=200, label=_("Place"))
    invited_participants = forms.ModelMultipleChoiceField(
        queryset=Participant.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label=_("Residents' representatives"))
    invited_units = forms.ModelMultipleChoiceField(
        queryset=HandlingUnit.objects.filter(kind=HandlingUnit.Kind.DEPARTMENT, is_active=True), required=False,
        widget=forms.CheckboxSelectMultiple, label=_("Departments"))
    invited_others = forms.CharField(max_length=300, required=False, label=_("Other invited parties"),
                                     help_text=_("The property company, the owners' committee, …"))

    def __init__(self, *args, user, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities_for(user=user)
        self.fields["invited_participants"].queryset = participants.filter(status=Participant.Status.CONFIRMED)


class AttendanceForm(forms.Form):
    participants = forms.ModelMultipleChoiceField(queryset=Participant.objects.none(),
                                                  widget=forms.CheckboxSelectMultiple, label=_("Attended"))

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = Participant.objects.filter(
            community=meeting.community_id, status=Participant.Status.CONFIRMED).order_by("name")


class MinutesForm(forms.Form):
    minutes = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=20000, label=_("Minutes"))


# --- a topic's steps ---

class SelectForm(ActionForm):
    meeting = forms.ModelChoiceField(queryset=Meeting.objects.none(), label=_("Meeting"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.subject is not None:
            self.fields["meeting"].queryset = Meeting.objects.filter(community=self.subject.community_id)


class DecideForm(ActionForm):
    votes_for = forms.IntegerField(min_value=0, max_value=100_000, label=_("For"))
    votes_against = forms.IntegerField(min_value=0, max_value=100_000, label=_("Against"))
    votes_abstain = forms.IntegerField(min_value=0, max_value=100_000, label=_("Abstained"))
    decision = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                               label=_("Decision of the meeting"))


class PublishForm(ActionForm):
    days = forms.IntegerField(min_value=1, max_value=30, initial=PUBLIC_DAYS_DEFAULT,
                              label=_("Days on the public page"))


class OrderWorkForm(ActionForm, PositionFields):
    """A work order carrying out the decision, at a place of the community."""

    category = category_field()
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=1000,
                                  label=_("What is to be done"))
    address = forms.CharField(max_length=200, required=False, label=_("Address"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("latitude", "longitude"):
            self.fields[name].widget = forms.NumberInput(attrs={"step": "any"})
        self.fields["latitude"].label, self.fields["longitude"].label = _("Latitude"), _("Longitude")


ACTION_FORMS = {"select": SelectForm, "deselect": RejectForm, "decide": DecideForm, "publish": PublishForm,
                "order_work": OrderWorkForm, "close": RejectForm}
