from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govportal.dates import DateTimeFormField
from govportal.pages import ActionForm
from grids.coords import wgs84_point
from grids.selectors import POINT_OUTSIDE_GRIDS, PointOutsideGrids, grid_locate
from incidents.forms import KeyedForm, category_field
from incidents.models import RegisterEntry, Ticket, Urgency
from incidents.selectors import ticket_list

from .models import Call, CitizenContact, KnowledgeArticle, Referral, RequestType

PHONE_INVALID = _("Enter the caller's number: 5 to 20 digits.")
LINK_TICKET_UNKNOWN = _("No open work order has this number.")


class CallForm(KeyedForm):
    """The operator's call form, laid out for the keyboard: one field after the other, no mouse needed.

    A call is linked only to an open work order that `user` (the operator) may see.
    """

    caller_phone = forms.RegexField(regex=r"^\d{5,20}$", label=_("Caller's phone"),
                                    error_messages={"invalid": PHONE_INVALID},
                                    widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "tel",
                                                                  "autocomplete": "off"}))
    caller_name = forms.CharField(max_length=50, required=False, label=_("Caller's name"))
    request_type = forms.ChoiceField(choices=RequestType.choices, initial=RequestType.COMPLAINT,
                                     label=_("Request type"))
    content = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, label=_("Content"))
    address = forms.CharField(max_length=200, required=False, label=_("Address"),
                              widget=forms.TextInput(attrs={"autocomplete": "off", "list": "address-options"}))
    category = category_field()
    urgency = forms.ChoiceField(choices=[("", "---------"), *Urgency.choices], required=False, label=_("Urgency"))
    confidential = forms.BooleanField(required=False, label=_("The caller asks for confidentiality"))
    outcome = forms.ChoiceField(choices=Call.Outcome.choices, initial=Call.Outcome.NEW_TICKET, label=_("Outcome"),
                                widget=forms.RadioSelect)
    article = forms.ModelChoiceField(KnowledgeArticle.objects.filter(is_active=True), required=False,
                                     label=_("Knowledge article"), widget=forms.HiddenInput)
    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000,
                             label=_("Answer given"))
    referral = forms.ChoiceField(choices=[("", "---------"), *Referral.choices], required=False,
                                 label=_("Not government business: referred to"))
    link_ticket = forms.CharField(max_length=20, required=False, label=_("Work order to link to"))
    lat = forms.FloatField(min_value=-90, max_value=90, required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(min_value=-180, max_value=180, required=False, widget=forms.HiddenInput)
    started_at = DateTimeFormField(widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["category"].required = False

    def clean_started_at(self):
        return min(self.cleaned_data["started_at"], timezone.now())

    def clean_link_ticket(self):
        number = self.cleaned_data["link_ticket"].strip()
        if not number:
            return None
        ticket = ticket_list(user=self.user).filter(number=number, status__in=Ticket.OPEN_STATUSES).first()
        if ticket is None:
            raise ValidationError(LINK_TICKET_UNKNOWN)
        return ticket

    def clean(self):
        data = super().clean()
        data["location"] = data["place"] = None
        if data.get("lat") is not None and data.get("lng") is not None:
            data["location"] = wgs84_point(lng=data["lng"], lat=data["lat"])
            try:
                data["place"] = grid_locate(data["location"])
            except PointOutsideGrids:
                self.add_error("address", POINT_OUTSIDE_GRIDS)
        return data

    def call_fields(self):
        """Return the cleaned fields the hotline services take for the call itself."""
        data = self.cleaned_data
        names = ("caller_phone", "caller_name", "request_type", "content", "address", "location", "place",
                 "category", "urgency", "confidential", "started_at")
        return {name: data[name] for name in names}


class ReplyForm(ActionForm):
    content = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
                              label=_("Reply to the citizen"))


class ReasonForm(ActionForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=500, label=_("Reason"))


class CallbackForm(ActionForm):
    reached = forms.BooleanField(required=False, initial=True, label=_("The citizen was reached"))
    responded = forms.BooleanField(required=False, label=_("The unit contacted the citizen in time"))
    solved = forms.BooleanField(required=False, label=_("The citizen confirms it solved"))
    satisfaction = forms.ChoiceField(choices=[("", "---------"), *Ticket.Satisfaction.choices], required=False,
                                     label=_("Satisfaction"))
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=500, required=False,
                           label=_("Note"))


DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class RegisterReviewForm(ReasonForm):
    review_on = forms.DateField(label=_("Review on"), widget=DATE_INPUT)


class ParkForm(RegisterReviewForm):
    reason_kind = forms.ChoiceField(choices=RegisterEntry.Reason.choices, label=_("Why it cannot be solved now"))
    field_order = ["reason_kind", "reason", "review_on"]


class ContactForm(ActionForm):
    contacted_at = DateTimeFormField(label=_("Contacted at"),
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    way = forms.ChoiceField(choices=CitizenContact.Way.choices, label=_("Way"))
    result = forms.ChoiceField(choices=CitizenContact.Result.choices, label=_("Result"))
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=500, required=False,
                           label=_("Note"))


class MergeForm(ReasonForm):
    master_number = forms.CharField(max_length=20, label=_("Number of the order to merge into"))
    field_order = ["master_number", "reason"]


# action → its form on the order's panel
ACTION_FORMS = {"supervise": ReasonForm, "reply": ReplyForm, "callback": CallbackForm, "rehandle": ReasonForm,
                "park": ParkForm, "register_review": RegisterReviewForm, "unpark": ReasonForm,
                "merge": MergeForm, "unmerge": ReasonForm, "contact": ContactForm}
