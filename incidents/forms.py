import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import HandlingUnit
from components.fields import ComponentCodeField
from dispatch.catalogue import catalogue_leads
from dispatch.forms import ACTION_FORMS as DISPATCH_ACTION_FORMS
from govportal.pages import ActionForm
from grids.coords import wgs84_point
from grids.selectors import POINT_OUTSIDE_GRIDS, PointOutsideGrids, grid_locate

from .models import Category, Notification, Ticket, Urgency
from .selectors import dispatch_targets
from .services import MAX_IDEMPOTENCY_KEY, REJECT_REASONS, RETURN_REASONS, PositionSource

# The key came back with other content (services.IdempotencyKeyReused): the page was sent, then changed.
FORM_SENT_BEFORE = _("This form was sent before with other content. Check it and send it again to record it as new.")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files (validated as images by incidents.photos)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class KeyedForm(forms.Form):
    """A form that makes a work order once: the page gives it an idempotency key, so sending it again
    (a double click, a retry) makes nothing new."""

    idempotency_key = forms.CharField(max_length=MAX_IDEMPOTENCY_KEY, widget=forms.HiddenInput)

    def renew_key(self):
        """Give the bound form a new key, so that sent again it makes a new work order (FORM_SENT_BEFORE)."""
        self.data = self.data.copy()
        self.data["idempotency_key"] = uuid.uuid4().hex


class PlacedForm(forms.Form):
    """A form with a place set on a map (hidden WGS-84 lat/lng), checked to lie in a grid."""

    lat = forms.FloatField(min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(min_value=-180, max_value=180, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if "lat" not in data or "lng" not in data:
            raise ValidationError(_("Set the place on the map."))
        data["location"] = wgs84_point(lng=data["lng"], lat=data["lat"])
        try:
            data["place"] = grid_locate(data["location"])
        except PointOutsideGrids:
            raise ValidationError(POINT_OUTSIDE_GRIDS) from None
        return data


def category_field():
    return forms.ModelChoiceField(
        Category.objects.filter(is_active=True, parent__isnull=False).select_related("parent"),
        to_field_name="code", label=_("Category"),
    )


class ReportForm(KeyedForm, PlacedForm):
    """A grid worker's report, filled on a phone."""

    category = category_field()
    urgency = forms.ChoiceField(choices=Urgency.choices, initial=Urgency.ORDINARY, label=_("Urgency"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label=_("Description"))
    address = forms.CharField(max_length=200, required=False, label=_("Address"))
    photos = MultipleFileField(label=_("Photos"))
    component = ComponentCodeField()
    component_damaged = forms.BooleanField(required=False, label=_("The component is damaged"))
    self_handled = forms.BooleanField(required=False, label=_("Handled on the spot"))
    feedback = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000,
                               label=_("What was done on the spot"))
    # Set by the page's script: "device" once the phone gave the position, "map" when the pin is moved.
    # Missing, the photos' GPS is not kept (incidents.services.photo_gps_needed).
    position_source = forms.ChoiceField(choices=PositionSource.choices, initial=PositionSource.MAP, required=False,
                                        widget=forms.HiddenInput)


def phone_field():
    return forms.RegexField(regex=r"^1[3-9]\d{9}$", label=_("Mobile phone"),
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
                            error_messages={"invalid": _("Enter an 11-digit mainland mobile number.")})


class CitizenReportForm(PlacedForm):
    """随手拍: a citizen's report without an account, the phone proved by an SMS code."""

    category = category_field()
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label=_("Description"))
    phone = phone_field()
    code = forms.RegexField(regex=r"^[0-9]{6}$", label=_("Verification code"),
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                                          "maxlength": 6}),
                            error_messages={"invalid": _("Enter the 6 digits of the code sent by SMS.")})
    photos = MultipleFileField(label=_("Photos"))


class ProgressForm(forms.Form):
    """进度查询: a citizen follows their report with its number and the phone they gave."""

    number = forms.RegexField(regex=r"^SJ\d{12,16}$", max_length=20, label=_("Report number"),
                              error_messages={"invalid": _("Enter the number you were given, like SJ202612010001.")})
    phone = phone_field()


class PhoneCodeForm(forms.Form):
    """The phone a citizen asks an SMS verification code for."""

    phone = phone_field()


class ReasonForm(ActionForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000,
                             label=_("Reason"))


class RejectForm(ReasonForm):
    reason_code = forms.ChoiceField(choices=list(REJECT_REASONS.items()), label=_("Reason code"))


class ReturnForm(ReasonForm):
    reason_code = forms.ChoiceField(choices=list(RETURN_REASONS.items()), label=_("Reason code"))


class DispatchForm(ReasonForm):
    unit = forms.ModelChoiceField(HandlingUnit.objects.none(), to_field_name="code", label=_("Department"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.subject is not None and self.subject.district_id:
            self.fields["unit"].queryset = targets = dispatch_targets(district=self.subject.district)
            lead = catalogue_leads([self.subject], at=timezone.now()).get(self.subject.pk)
            self.fields["unit"].initial = proposed_department_in(targets, self.subject, lead)


class BoardDispatchForm(DispatchForm):
    """The dispatch form in a row of the board: the reason on one line."""

    reason = forms.CharField(required=False, max_length=1000, label=_("Reason"), widget=forms.TextInput(
        attrs={"placeholder": _("Reason, if not the catalogue's unit")}))


def proposed_department_in(targets, ticket, lead=None):
    """Return the code of the department proposed for `ticket` among `targets`: the dispatch catalogue's
    unit `lead` when it is one of them, else the category's default department (default_department_in)."""
    if lead is not None and any(unit.pk == lead.pk for unit in targets):
        return lead.code
    return default_department_in(targets, ticket)


def default_department_in(targets, ticket):
    """Return the code of the department the ticket's category names as its default, the
    district's own before the city's, or None."""
    wanted = ticket.category.default_department
    if not wanted:
        return None
    district_first = sorted((unit for unit in targets if unit.department == wanted),
                            key=lambda unit: unit.area_id != ticket.district_id)
    return district_first[0].code if district_first else None


class ExtensionForm(ReasonForm):
    minutes = forms.IntegerField(min_value=1, max_value=10 * 24 * 60, initial=420,
                                 label=_("Extra working minutes"))


class HandleForm(ActionForm):
    feedback = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label=_("Feedback"))
    photos = MultipleFileField(label=_("Photos"))


class RateForm(ActionForm):
    satisfaction = forms.ChoiceField(choices=Ticket.Satisfaction.choices, widget=forms.RadioSelect,
                                     label=_("Satisfaction"))


# action → form class (None: a button is enough)
ACTION_FORMS = {
    "accept": None, "reject": RejectForm, "dispatch": DispatchForm, "sign": None, "start": None,
    "return": ReturnForm, "escalate": ReasonForm, "request_extension": ExtensionForm,
    "approve_extension": None, "deny_extension": ReasonForm, "suspend": ReasonForm, "resume": None,
    "handle": HandleForm, "verify": None, "verify_fail": ReasonForm, "close": None, "rate": RateForm,
    "reopen": ReasonForm, "void": ReasonForm,
    **DISPATCH_ACTION_FORMS,  # co-handling and objections (dispatch.forms)
}


class NotificationReadForm(forms.Form):
    feed = forms.ChoiceField(choices=Notification.Feed.choices)
    notification = forms.IntegerField(required=False)  # empty: all of the feed's unread notifications
