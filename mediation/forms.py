"""Forms of the mediation pages; the rules themselves live in mediation.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from govportal.dates import DateTimeFormField
from govportal.pages import ActionForm

from .models import Agreement, DisputeType, MediationCase, Mediator, Party, PartyReveal
from .selectors import jurisdiction_court, mediator_list

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def _text(label, rows=2, required=True, max_length=2000):
    return forms.CharField(label=label, required=required, max_length=max_length,
                           widget=forms.Textarea(attrs={"rows": rows}))


class PartyForm(ActionForm):
    role = forms.ChoiceField(choices=Party.Role.choices, label=_("Role"))
    kind = forms.ChoiceField(choices=Party.Kind.choices, label=_("Kind"))
    name = forms.CharField(max_length=100, label=_("Name"))
    id_number = forms.CharField(max_length=18, required=False, label=_("ID number or unified social credit code"))
    phone = forms.CharField(max_length=20, required=False, label=_("Phone"))
    address = forms.CharField(max_length=200, required=False, label=_("Address"))
    refuses_mediation = forms.BooleanField(required=False, label=_("Clearly refuses mediation"))


class CaseRegisterForm(forms.Form):
    source = forms.ChoiceField(choices=[c for c in MediationCase.Source.choices if c[0] != "work_order"],
                               label=_("Source"))
    dispute_type = forms.ChoiceField(choices=DisputeType.choices, label=_("Dispute type"))
    facts = _text(_("Main facts"), rows=4, max_length=5000)
    points_in_dispute = _text(_("Points in dispute"), required=False)
    amount_involved = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False,
                                         label=_("Amount involved (yuan)"))
    high_risk = forms.BooleanField(required=False, label=_("High risk: may turn violent or collective"))
    risk_note = _text(_("Risk note"), required=False, max_length=1000)


class ReasonForm(ActionForm):
    reason = _text(_("Reason"), required=False, max_length=1000)


class RefuseForm(ReasonForm):
    reason_code = forms.ChoiceField(choices=MediationCase.RefusalReason.choices, label=_("Legal reason"))


class AssignForm(ActionForm):
    mediators = forms.ModelMultipleChoiceField(Mediator.objects.none(), label=_("Mediators"),
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.subject is not None:
            self.fields["mediators"].queryset = mediator_list(organisation=self.subject.organisation, experts=True)
            self.fields["mediators"].label_from_instance = _mediator_label


def _mediator_label(mediator):
    expert = f" · {_('expert pool')}" if mediator.is_expert else ""
    return f"{mediator.name} ({mediator.get_qualification_display()}{expert}) — {_('open cases')}: {mediator.load}"


class SessionForm(ActionForm):
    held_at = DateTimeFormField(label=_("Held at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    place = forms.CharField(max_length=200, label=_("Place"))
    attendees = _text(_("Attendees"), max_length=1000)
    record = _text(_("Record"), rows=5, max_length=10000)


class ExtendForm(ReasonForm):
    days = forms.IntegerField(min_value=1, max_value=60, initial=10, label=_("Extra days"),
                              help_text=_("Working days; calendar days, at most 30, for a court-entrusted case."))
    parties_consent = forms.BooleanField(required=False, label=_("Both parties consent"))


class FlagRiskForm(ActionForm):
    note = _text(_("Why it may turn violent or collective"), max_length=1000)


class AgreementForm(ActionForm):
    kind = forms.ChoiceField(choices=Agreement.Kind.choices, label=_("Kind"))
    responsibilities = _text(_("Each party's responsibility"), required=False, max_length=5000)
    obligations = _text(_("Agreed obligations"), rows=4, max_length=5000)
    performance_manner = _text(_("Manner of performance"))
    performance_deadline = forms.DateField(label=_("Performance deadline"), widget=DATE_INPUT)


class FailForm(ReasonForm):
    guidance = forms.ChoiceField(choices=MediationCase.Guidance.choices, label=_("Route the parties were told"))


class SignForm(ActionForm):
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE_INPUT)


class ApplyConfirmationForm(ActionForm):
    applied_on = forms.DateField(label=_("Applied on"), widget=DATE_INPUT)
    joint = forms.BooleanField(required=False, label=_("Both parties apply jointly"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.subject is not None:
            self.fields["applied_on"].help_text = _("To %(court)s, within 30 days of the agreement taking effect.") % {
                "court": jurisdiction_court(self.subject)}


class DecideConfirmationForm(ActionForm):
    result = forms.ChoiceField(choices=[c for c in Agreement.Confirmation.choices if c[0] != "applied"],
                               label=_("Result"))
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE_INPUT)
    number = forms.CharField(max_length=60, required=False, label=_("Confirmation case number (调确字)"))
    route = forms.ChoiceField(choices=[("", "—"), *Agreement.Route.choices], required=False,
                              label=_("If refused: the parties' route"))


class FollowUpForm(ActionForm):
    visited_on = forms.DateField(label=_("Visited on"), widget=DATE_INPUT)
    performance = forms.ChoiceField(choices=[c for c in Agreement.Performance.choices if c[0] != "pending"],
                                    label=_("Performance"))
    note = _text(_("Note"), required=False)


# action → form class (None: a button is enough)
ACTION_FORMS = {
    "add_party": PartyForm, "accept": None, "refuse": RefuseForm, "assign": AssignForm,
    "record_session": SessionForm, "extend": ExtendForm, "escalate": ReasonForm, "flag_risk": FlagRiskForm,
    "conclude_agreement": AgreementForm, "fail": FailForm, "sign_agreement": SignForm,
    "apply_confirmation": ApplyConfirmationForm, "decide_confirmation": DecideConfirmationForm,
    "follow_up": FollowUpForm, "archive": None,
}


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=PartyReveal.Field.choices)
