"""Forms of participation: a resident's registration and sign-in on a phone, staff entry, teams, tasks."""

from decimal import Decimal

from django import forms
from django.contrib.gis.geos import Point
from django.utils.translation import gettext_lazy as _

from govportal.dates import DateTimeFormField, validate_year
from govportal.pages import ActionForm
from incidents.forms import MultipleFileField, phone_field

from .models import Participant, ProjectApplication, ProjectMilestone, ServiceProject, Task, Team
from .selectors import communities_for


def code_field():
    return forms.RegexField(regex=r"^[0-9]{6}$", label=_("Verification code"),
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                                          "maxlength": 6}),
                            error_messages={"invalid": _("Enter the 6 digits of the code sent by SMS.")})


class ParticipantFields(forms.Form):
    """What a registration asks, whoever fills it in."""

    community = forms.ModelChoiceField(queryset=communities_for(), label=_("Community you report to"))
    kind = forms.ChoiceField(choices=Participant.REGISTERED_KINDS, label=_("I take part as"))
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


# --- tasks ---

def when_field(label):
    return DateTimeFormField(label=label, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class PositionFields(forms.Form):
    """A position as two numbers (from the phone, or typed), cleaned into `location`."""

    latitude = forms.FloatField(min_value=-90, max_value=90, widget=forms.HiddenInput)
    longitude = forms.FloatField(min_value=-180, max_value=180, widget=forms.HiddenInput)
    point_field = "location"

    def clean(self):
        data = super().clean()
        if "latitude" in data and "longitude" in data:
            data[self.point_field] = Point(data.pop("longitude"), data.pop("latitude"), srid=4326)
        return data


class TaskForm(PositionFields):
    """A community posts a task or a resident's need (微心愿)."""

    community = forms.ModelChoiceField(queryset=communities_for(), label=_("Community"))
    kind = forms.ChoiceField(choices=[c for c in Task.Kind.choices if c[0] != Task.Kind.WORK_ORDER], label=_("Kind"))
    title = forms.CharField(max_length=100, label=_("Title"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label=_("Description"))
    place_name = forms.CharField(max_length=200, label=_("Place"))
    starts_at = when_field(_("Starts at"))
    take_by = when_field(_("Take by"))
    quota = forms.IntegerField(min_value=1, max_value=500, label=_("Places"))
    hours = forms.DecimalField(min_value=Decimal("0.5"), max_value=24, decimal_places=1, label=_("Hours credited"))
    check_in_radius = forms.IntegerField(min_value=20, max_value=5000, initial=200, label=_("Check-in radius (m)"))
    point_field = "place"

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities_for(user=user)
        for name in ("latitude", "longitude"):
            self.fields[name].widget = forms.NumberInput(attrs={"step": "any"})
        self.fields["latitude"].label, self.fields["longitude"].label = _("Latitude"), _("Longitude")


class TicketTaskForm(forms.Form):
    """A grid worker turns a work order into a task, at the work order's place."""

    title = forms.CharField(max_length=100, label=_("Title"))
    starts_at = when_field(_("Starts at"))
    take_by = when_field(_("Take by"))
    quota = forms.IntegerField(min_value=1, max_value=500, initial=1, label=_("Places"))
    hours = forms.DecimalField(min_value=Decimal("0.5"), max_value=24, decimal_places=1, label=_("Hours credited"))


class CheckInForm(ActionForm, PositionFields):
    """Filled by the phone's position (static/js/participation_checkin.js)."""


class ClaimReportForm(ActionForm):
    report = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label=_("What was done"))
    photos = MultipleFileField(label=_("Photos"))


CLAIM_FORMS = {"check_in": CheckInForm, "withdraw": None, "report": ClaimReportForm, "send_back": RejectForm,
               "confirm": None}
TASK_FORMS = {"close": None, "cancel": RejectForm}


# --- service projects (三社联动) ---

def day_field(label):
    return forms.DateField(label=label, validators=[validate_year], widget=forms.DateInput(attrs={"type": "date"}))


def yuan_field(label):
    return forms.DecimalField(min_value=Decimal("0.01"), max_digits=12, decimal_places=2, label=label)


class ProjectForm(forms.Form):
    """A community posts a service project for its street's social organisations."""

    community = forms.ModelChoiceField(queryset=communities_for(), label=_("Community"))
    title = forms.CharField(max_length=100, label=_("Title"))
    need = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label=_("Need"))
    budget = yuan_field(_("Budget (yuan)"))
    starts_on = day_field(_("Starts on"))
    ends_on = day_field(_("Ends on"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities_for(user=user)


class ApplyForm(ActionForm):
    plan = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, label=_("Plan"))
    amount = yuan_field(_("Amount asked (yuan)"))


class ApproveForm(ActionForm):
    application = forms.ModelChoiceField(queryset=ProjectApplication.objects.none(), label=_("Application"),
                                         widget=forms.RadioSelect)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=1000, required=False,
                             label=_("Reason"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = self.subject.applications.filter(
            status=ProjectApplication.Status.SUBMITTED).select_related("organisation")
        self.fields["application"].label_from_instance = lambda application: _(
            "%(organisation)s · %(amount)s yuan") % {"organisation": application.organisation,
                                                    "amount": application.amount}


class MilestonePlanForm(ActionForm):
    title = forms.CharField(max_length=100, label=_("Milestone"))
    planned_on = day_field(_("Planned for"))


class MilestoneDoneForm(ActionForm):
    milestone = forms.ModelChoiceField(queryset=ProjectMilestone.objects.none(), label=_("Milestone"))
    done_on = day_field(_("Done on"))
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label=_("What was done"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = self.subject.milestones.filter(done_on__isnull=True)


class EvaluateForm(ActionForm):
    score = forms.IntegerField(min_value=0, max_value=100, label=_("Score (out of 100)"))
    grade = forms.ChoiceField(choices=ServiceProject.Grade.choices, label=_("Grade"))
    evaluation = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, label=_("Evaluation"))


PROJECT_FORMS = {"apply": ApplyForm, "approve": ApproveForm, "plan_milestone": MilestonePlanForm,
                 "milestone_done": MilestoneDoneForm, "evaluate": EvaluateForm, "cancel": RejectForm}
